import { describe, expect, it } from "vitest";
import { formatGrants, latestExpiry, parseGrants } from "./grants-marker";
import { guidFrom, roleGuid } from "./ids";

describe("azure ids and grant markers", () => {
  it("derives stable, well-formed GUIDs", () => {
    expect(guidFrom("x")).toBe(guidFrom("x"));
    expect(guidFrom("x")).not.toBe(guidFrom("y"));
    expect(guidFrom("x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(() => roleGuid("Owner")).toThrow(/invalid role name/);
  });

  it("round-trips the grants list and ignores descriptions it did not write", () => {
    const grants = new Map([
      ["b2", "2030-01-01T00:00:00.000Z"],
      ["a1", "2031-01-01T00:00:00.000Z"],
    ]);
    const text = formatGrants(grants);
    expect(text).toBe(
      "Managed by Elevate; elevate:grants=a1@2031-01-01T00:00:00.000Z,b2@2030-01-01T00:00:00.000Z",
    );
    expect(parseGrants(text)).toEqual(grants);
    expect(latestExpiry(grants).toISOString()).toBe("2031-01-01T00:00:00.000Z");
    expect(parseGrants("Assigned by hand")).toBeNull();
    expect(parseGrants(`${text},evil@not-a-date`)).toEqual(grants);
  });
});
