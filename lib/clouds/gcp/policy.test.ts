import { describe, expect, it } from "vitest";
import { expiryOf, grantBinding, grantIdOf, memberFor, roleResource } from "./policy";

describe("gcp binding builders", () => {
  it("builds the condition from a Date and reads the expiry back", () => {
    const notAfter = new Date("2030-05-06T07:08:09.123Z");
    const b = grantBinding({
      role: "projects/p/roles/elevate_abc",
      member: "user:a@example.com",
      grantId: "g-1",
      notAfter,
    });
    expect(b.condition).toMatchObject({
      title: "elevate:g-1",
      expression: "request.time < timestamp('2030-05-06T07:08:09.123Z')",
    });
    expect(expiryOf(b)).toBe(notAfter.toISOString());
    expect(expiryOf({ condition: { expression: "true" } })).toBeNull();
  });

  it("accepts only plain user e-mails, Elevate role ids and Elevate binding ids", () => {
    expect(memberFor("a.b+c@example.co.uk")).toBe("user:a.b+c@example.co.uk");
    expect(memberFor("user:a@example.com")).toBe("user:a@example.com");
    for (const bad of ["allUsers", "allAuthenticatedUsers", "domain:example.com", "a@b", "a@example.com'"]) {
      expect(() => memberFor(bad)).toThrow(/invalid principal/);
    }
    expect(() => roleResource("projects/p", "roles/owner")).toThrow(/invalid role id/);
    expect(grantIdOf("elevate-123e4567-e89b-12d3-a456-426614174000")).toBe(
      "123e4567-e89b-12d3-a456-426614174000",
    );
    expect(() => grantIdOf("other-1")).toThrow(/invalid binding id/);
  });
});
