import { describe, expect, it } from "vitest";
import { csvCell, csvRow, neutraliseCell } from "./csv";

describe("CSV export cells", () => {
  it.each(["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx", "\r=x"])("neutralises %j", (value) => {
    expect(neutraliseCell(value).startsWith("'")).toBe(true);
    expect(neutraliseCell(value).slice(1)).toBe(value);
  });

  // OWASP CSV Injection's first characters, and the same triggers behind leading whitespace that an
  // import option such as "Trim spaces" strips before the spreadsheet evaluates the cell.
  it.each([
    "  =cmd|' /C calc'!A0",
    "\t+1",
    "\r=1+2",
    "\n=1+2",
    "\u0000=1",
    " @SUM(A1)",
    "\u00a0-2+3",
    '\ufeff=HYPERLINK("http://x")',
    "\u3000=1",
    "\t",
  ])("neutralises %j, a trigger at the start or behind whitespace", (value) => {
    expect(neutraliseCell(value)).toBe(`'${value}`);
  });

  it("quotes a neutralised cell that holds a line break, so the row stays one row", () => {
    expect(csvCell("  =1\n=2")).toBe('"\'  =1\n=2"');
    expect(csvRow(["\r\n=cmd", "ok"])).toBe('"\'\r\n=cmd",ok\r\n');
  });

  it.each(["grant.revoked", "a = b", "x+1", "user@example.com", " plain"])(
    "leaves %j alone: no trigger at the start",
    (value) => {
      expect(neutraliseCell(value)).toBe(value);
    },
  );

  it("leaves ordinary text alone and quotes commas, quotes and newlines", () => {
    expect(neutraliseCell("grant.revoked")).toBe("grant.revoked");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(12)).toBe("12");
    expect(csvCell(-5)).toBe("'-5");
    expect(csvCell({ reason: "=cmd" })).toBe('"{""reason"":""=cmd""}"');
    expect(csvRow(["a", "@b", 3])).toBe("a,'@b,3\r\n");
  });
});
