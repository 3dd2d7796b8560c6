import { inflateSync } from "node:zlib";
import { PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { renderPdf } from "./index";

/**
 * WinAnsiEncoding's bytes 0x80-0x9F (PDF 32000-1:2008 Annex D.2, the same as Microsoft's cp1252 table at
 * https://www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT); the other bytes are Latin-1.
 * Written out because this Node's TextDecoder("windows-1252") returned U+0080 for 0x80, i.e. plain Latin-1.
 */
const CP1252_80_9F =
  "\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd" +
  "\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178";
const winAnsi = (bytes: Buffer) =>
  [...bytes].map((b) => (b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b))).join("");

/**
 * Reads the text a PDF draws, independently of the writer: pages parsed by pdf-lib's parser, content streams
 * inflated by node:zlib (FlateDecode, PDF 32000-1 §7.4.4), hex strings of Tj decoded as WinAnsiEncoding.
 */
async function pageTexts(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams = contents && "asArray" in contents ? contents.asArray() : [contents];
    let ops = "";
    for (const ref of streams) {
      const stream = pdf.context.lookup(ref);
      if (!(stream instanceof PDFRawStream)) continue;
      const filter = stream.dict.get(PDFName.of("Filter"));
      const raw = stream.getContents();
      ops += Buffer.from(filter ? inflateSync(raw) : raw).toString("latin1");
    }
    return [...ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)]
      .map((m) => winAnsi(Buffer.from(m[1], "hex")))
      .join("\n");
  });
}

describe("renderPdf", () => {
  it("writes A4 pages with the title, controls, paragraphs and table cells as text", async () => {
    const bytes = await renderPdf({
      title: "Access report",
      subtitle: "1 Nov 2026 - 30 Nov 2026",
      sections: [
        {
          heading: "Access by person",
          controls: ["SOC 2 CC6.3", "ISO/IEC 27001:2022 A.5.18"],
          paragraphs: ["Every grant in the period, with its approvals."],
          table: { columns: ["Person", "Grants"], rows: [["ada@example.com", "3"]] },
        },
      ],
    });
    expect(Buffer.from(bytes.slice(0, 5)).toString("latin1")).toBe("%PDF-");
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(1);
    const { width, height } = pdf.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(pdf.getTitle()).toBe("Access report");
    const [text] = await pageTexts(bytes);
    for (const s of [
      "Access report",
      "Access by person",
      "SOC 2 CC6.3",
      "Every grant in the period",
      "ada@example.com",
      "Person",
    ]) {
      expect(text).toContain(s);
    }
  });

  it("breaks a long table across pages and repeats its header on each", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => [`user-${i}@example.com`, `target-${i}`, String(i)]);
    const bytes = await renderPdf({
      title: "Long",
      sections: [{ heading: "Rows", table: { columns: ["Person", "Target", "N"], rows } }],
    });
    const texts = await pageTexts(bytes);
    expect(texts.length).toBeGreaterThan(3);
    for (const t of texts) expect(t).toContain("Target");
    const all = texts.join("\n");
    for (const i of [0, 150, 299]) expect(all).toContain(`user-${i}@example.com`);
    expect(texts.at(-1)).toContain(`page ${texts.length} of ${texts.length}`);
  });

  it("wraps a long paragraph and a long unbroken word within the page width", async () => {
    const arn = `arn:aws:iam::123456789012:role/${"x".repeat(400)}`;
    const bytes = await renderPdf({
      title: "Wrap",
      sections: [{ heading: "W", paragraphs: ["word ".repeat(400), arn] }],
    });
    const [text] = await pageTexts(bytes);
    const lines = text.split("\n");
    expect(lines.filter((l) => l.startsWith("word")).length).toBeGreaterThan(5);
    expect(lines.filter((l) => /^x+$/.test(l)).length).toBeGreaterThan(1);
    expect(lines.join("")).toContain("x".repeat(400));
  });

  it("keeps WinAnsi text (accents, euro, dashes) and replaces other characters visibly with ?", async () => {
    const bytes = await renderPdf({
      title: "Café – 5 €",
      sections: [{ heading: "Names", paragraphs: ["Zoë 李 🚀 done", "tab\there"] }],
    });
    const [text] = await pageTexts(bytes);
    expect(text).toContain("Café – 5 €");
    expect(text).toContain("Zoë ? ? done");
    expect(text).toContain("tab here");
  });

  it("renders an empty table with its header and a note", async () => {
    const bytes = await renderPdf({
      title: "Empty",
      sections: [{ heading: "None", table: { columns: ["A", "B"], rows: [] } }],
    });
    const [text] = await pageTexts(bytes);
    expect(text).toContain("(no rows)");
  });
});
