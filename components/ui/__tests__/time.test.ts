import { describe, expect, it } from "vitest";
import { shortUtc } from "../time";

describe("shortUtc", () => {
  it("reads UTC ISO strings as they are, with or without seconds and fractions", () => {
    expect(shortUtc("2026-05-01T14:03:27.123Z")).toBe("2026-05-01 14:03 UTC");
    expect(shortUtc("2026-05-01T14:03:27Z")).toBe("2026-05-01 14:03 UTC");
    expect(shortUtc("2026-05-01T14:03Z")).toBe("2026-05-01 14:03 UTC");
  });

  it("converts a timestamp with an offset to UTC", () => {
    expect(shortUtc("2026-05-01T01:30:00+02:00")).toBe("2026-04-30 23:30 UTC");
    expect(shortUtc("2026-05-01 14:03:27.5+00")).toBe("2026-05-01 14:03 UTC");
  });

  it("shows an unparseable value unchanged rather than 'Invalid Date'", () => {
    expect(shortUtc("not a date")).toBe("not a date");
  });
});
