import type { PDFFont } from "pdf-lib";

/** What the PDF shows in place of a character the standard fonts cannot encode: visible, never dropped. */
export const REPLACEMENT = "?";

const SPACES = /[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]/g;
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/;

/**
 * Text the standard 14 fonts can draw (WinAnsiEncoding): every character outside the font's set is
 * replaced by `?`, after compatibility decomposition has had a chance to map it to one inside (e.g. "ﬁ").
 */
export function winAnsiSafe(font: PDFFont, text: string): string {
  const allowed = charset(font);
  let out = "";
  for (const ch of text.replace(SPACES, " ")) {
    const cp = ch.codePointAt(0) ?? 0;
    if (allowed.has(cp)) {
      out += ch;
      continue;
    }
    const decomposed = ch.normalize("NFKC");
    out +=
      [...decomposed].every((c) => allowed.has(c.codePointAt(0) ?? 0)) && decomposed !== ""
        ? decomposed
        : REPLACEMENT;
  }
  return out;
}

const charsets = new WeakMap<PDFFont, Set<number>>();
function charset(font: PDFFont): Set<number> {
  let set = charsets.get(font);
  if (!set) {
    // Control characters are in the encoding's table but draw nothing: treat them as unencodable.
    set = new Set(font.getCharacterSet().filter((cp) => cp >= 0x20 && cp !== 0x7f));
    charsets.set(font, set);
  }
  return set;
}

/** Wraps text to lines no wider than `width`, breaking at spaces and, for a word wider than a line, inside it. */
export function wrapText(font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(LINE_BREAKS)) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line !== "") lines.push(line);
      line = "";
      // A word longer than the line (a hash, an ARN) is cut where it stops fitting.
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let cut = 1;
        while (cut < rest.length && font.widthOfTextAtSize(rest.slice(0, cut + 1), size) <= width) cut++;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}
