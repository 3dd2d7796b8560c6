import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONTROLS, controlLabels, SECTION_CONTROLS, type SectionKey } from "./controls";

const doc = readFileSync(new URL("../../docs/compliance.md", import.meta.url), "utf8");

/** The rows of the markdown table that follows `heading`. */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(`## ${heading}\n`);
  expect(start, `docs/compliance.md has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const lines = doc.slice(start).split("\n");
  const first = lines.findIndex((l) => l.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split("|")
        .map((c) => c.trim()),
    );
  }
  return rows;
}

describe("control mapping", () => {
  it("names exactly the controls of issue 12 and docs/compliance.md, with the same titles", () => {
    const code = Object.values(CONTROLS).map((c) => [c.framework, c.id, c.title]);
    expect(tableAfter("Controls")).toEqual(code);
    expect(Object.keys(CONTROLS).sort()).toEqual(
      [
        "CC6.1",
        "CC6.2",
        "CC6.3",
        "CC7.2",
        "A.5.15",
        "A.5.18",
        "A.8.2",
        "A.8.15",
        "AC-2(2)",
        "AC-6",
        "AU-9",
        "AU-10",
        "7.2",
        "10.2",
      ].sort(),
    );
  });

  it("maps every section to the controls the doc lists for it, each with a reason", () => {
    const rows = tableAfter("Sections and the controls they evidence");
    const fromDoc = Object.fromEntries(rows.map(([key, ids]) => [key.replaceAll("`", ""), ids.split(", ")]));
    const fromCode = Object.fromEntries(
      Object.entries(SECTION_CONTROLS).map(([k, refs]) => [k, refs.map((r) => r.id)]),
    );
    expect(fromDoc).toEqual(fromCode);
    for (const row of rows) expect(row[2].length, `reason for ${row[0]}`).toBeGreaterThan(20);
  });

  it("uses every control at least once and labels a section's controls with framework, id and title", () => {
    const used = new Set(Object.values(SECTION_CONTROLS).flatMap((refs) => refs.map((r) => r.id)));
    expect([...used].sort()).toEqual(Object.keys(CONTROLS).sort());
    expect(controlLabels("audit")).toContain("NIST SP 800-53 AU-10 Non-repudiation");
    expect(controlLabels("access" satisfies SectionKey)).toContain(
      "ISO/IEC 27001:2022 A.5.15 Access control",
    );
  });
});
