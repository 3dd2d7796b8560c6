import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { winAnsiSafe, wrapText } from "./text";

export type PdfDoc = {
  title: string;
  subtitle?: string;
  sections: {
    heading: string;
    controls?: string[];
    paragraphs?: string[];
    table?: { columns: string[]; rows: string[][] };
  }[];
};

/** A4 in PDF points (ISO 216: 210 × 297 mm at 72 points per inch). */
export const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const FOOTER = 28;
const WIDTH = A4[0] - 2 * MARGIN;
const CELL_PAD = 3;
/** A cell taller than this many lines is cut (and says so), so one row always fits on a page. */
const MAX_CELL_LINES = 40;

const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.4, 0.4, 0.45);
const RULE = rgb(0.8, 0.8, 0.83);
const HEAD_FILL = rgb(0.93, 0.94, 0.96);

type Fonts = { regular: PDFFont; bold: PDFFont };

/** Renders a report to PDF: A4 pages, wrapped text, tables that break across pages with their header repeated. */
export async function renderPdf(doc: PdfDoc): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const fonts: Fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
  };
  pdf.setTitle(winAnsiSafe(fonts.regular, doc.title));
  pdf.setProducer("Elevate");
  pdf.setCreator("Elevate");
  const w = new Writer(pdf, fonts);
  w.text(doc.title, { font: fonts.bold, size: 18, gap: 4 });
  if (doc.subtitle) w.text(doc.subtitle, { size: 10, color: MUTED, gap: 8 });
  for (const section of doc.sections) {
    w.space(10);
    w.ensure(60);
    w.text(section.heading, { font: fonts.bold, size: 13, gap: 3 });
    if (section.controls?.length)
      w.text(`Controls: ${section.controls.join("; ")}`, { size: 8, color: MUTED, gap: 4 });
    for (const p of section.paragraphs ?? []) w.text(p, { size: 10, gap: 4 });
    if (section.table) w.table(section.table.columns, section.table.rows);
  }
  const pages = pdf.getPages();
  pages.forEach((page, i) => {
    const footer = winAnsiSafe(fonts.regular, `${doc.title} - page ${i + 1} of ${pages.length}`);
    page.drawText(footer, { x: MARGIN, y: FOOTER - 10, size: 8, font: fonts.regular, color: MUTED });
  });
  return pdf.save();
}

class Writer {
  private page!: PDFPage;
  private y = 0;
  constructor(
    private readonly pdf: PDFDocument,
    private readonly fonts: Fonts,
  ) {
    this.newPage();
  }

  newPage() {
    this.page = this.pdf.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  space(points: number) {
    this.y -= points;
  }

  /** Starts a new page unless `points` still fit above the footer. */
  ensure(points: number) {
    if (this.y - points < MARGIN + FOOTER) this.newPage();
  }

  text(raw: string, o: { font?: PDFFont; size: number; color?: ReturnType<typeof rgb>; gap: number }) {
    const font = o.font ?? this.fonts.regular;
    const leading = o.size * 1.3;
    for (const line of wrapText(font, o.size, winAnsiSafe(font, raw), WIDTH)) {
      this.ensure(leading);
      this.y -= leading;
      this.page.drawText(line, {
        x: MARGIN,
        y: this.y + o.size * 0.25,
        size: o.size,
        font,
        color: o.color ?? INK,
      });
    }
    this.y -= o.gap;
  }

  table(columns: string[], rows: string[][]) {
    const size = 8;
    const leading = size * 1.25;
    const widths = columnWidths(this.fonts, size, columns, rows);
    const cells = (row: string[], font: PDFFont) =>
      columns.map((_, i) => {
        const lines = wrapText(font, size, winAnsiSafe(font, row[i] ?? ""), widths[i] - 2 * CELL_PAD);
        return lines.length > MAX_CELL_LINES ? [...lines.slice(0, MAX_CELL_LINES - 1), "[... cut]"] : lines;
      });
    const header = cells(columns, this.fonts.bold);
    const heightOf = (c: string[][]) => Math.max(1, ...c.map((l) => l.length)) * leading + 2 * CELL_PAD;
    const drawRow = (c: string[][], font: PDFFont, fill?: ReturnType<typeof rgb>) => {
      const h = heightOf(c);
      if (fill) this.page.drawRectangle({ x: MARGIN, y: this.y - h, width: WIDTH, height: h, color: fill });
      let x = MARGIN;
      c.forEach((lines, i) => {
        lines.forEach((line, j) => {
          const y = this.y - CELL_PAD - (j + 1) * leading + size * 0.3;
          this.page.drawText(line, { x: x + CELL_PAD, y, size, font, color: INK });
        });
        x += widths[i];
      });
      this.y -= h;
      this.page.drawLine({
        start: { x: MARGIN, y: this.y },
        end: { x: MARGIN + WIDTH, y: this.y },
        thickness: 0.5,
        color: RULE,
      });
    };
    this.ensure(heightOf(header) + leading * 2);
    drawRow(header, this.fonts.bold, HEAD_FILL);
    if (rows.length === 0) {
      this.text("(no rows)", { size: 9, color: MUTED, gap: 2 });
      return;
    }
    for (const row of rows) {
      const c = cells(row, this.fonts.regular);
      if (this.y - heightOf(c) < MARGIN + FOOTER) {
        this.newPage();
        drawRow(header, this.fonts.bold, HEAD_FILL);
      }
      drawRow(c, this.fonts.regular);
    }
    this.y -= 4;
  }
}

/** Column widths in proportion to each column's typical content, with a floor so no column collapses. */
function columnWidths(fonts: Fonts, size: number, columns: string[], rows: string[][]): number[] {
  const sample = rows.slice(0, 200);
  const want = columns.map((c, i) => {
    const head = fonts.bold.widthOfTextAtSize(winAnsiSafe(fonts.bold, c), size);
    const body = sample.map((r) =>
      fonts.regular.widthOfTextAtSize(winAnsiSafe(fonts.regular, r[i] ?? ""), size),
    );
    return Math.min(Math.max(head, ...body, 20) + 2 * CELL_PAD, WIDTH * 0.6);
  });
  const total = want.reduce((a, b) => a + b, 0);
  const floor = Math.min(40, WIDTH / columns.length);
  const scaled = want.map((w) => Math.max(floor, (w / total) * WIDTH));
  const sum = scaled.reduce((a, b) => a + b, 0);
  return scaled.map((w) => (w / sum) * WIDTH);
}
