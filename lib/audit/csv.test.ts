import { describe, expect, it } from "vitest";
import { csvCell, csvRow, neutraliseCell } from "./csv";

describe("CSV export cells", () => {
  it.each(["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx", "\r=x"])("neutralises %j", (value) => {
    expect(neutraliseCell(value).startsWith("'")).toBe(true);
    expect(neutraliseCell(value).slice(1)).toBe(value);
  });

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
