import { describe, expect, it } from "vitest";
import { expiryOf, grantBinding, grantIdOf, memberFor, roleResource, sameBinding } from "./policy";

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

  it("joins the resource condition to the expiry and still reads the leading expiry back", () => {
    const notAfter = new Date("2030-05-06T07:08:09.123Z");
    const expiry = "request.time < timestamp('2030-05-06T07:08:09.123Z')";
    const condition = "resource.name.startsWith('projects/_/buckets/orders-reports/objects/')";
    const input = {
      role: "projects/p/roles/elevate_abc",
      member: "user:a@example.com",
      grantId: "g-1",
      notAfter,
    };
    const b = grantBinding({ ...input, condition });
    expect(b.condition?.expression).toBe(`${expiry} && (${condition})`);
    expect(expiryOf(b)).toBe(notAfter.toISOString());
    // The whole expression is compared: a new resource condition is a different binding.
    expect(sameBinding(b, grantBinding({ ...input, condition }))).toBe(true);
    expect(sameBinding(b, grantBinding({ ...input, condition: "resource.name == 'x'" }))).toBe(false);
    expect(sameBinding(b, grantBinding(input))).toBe(false);
  });

  it("is not fooled by a second timestamp or by text outside Elevate's shape", () => {
    const read = (expression: string) => expiryOf({ condition: { expression } });
    const at = "request.time < timestamp('2030-01-01T00:00:00Z')";
    const later = "request.time < timestamp('2099-01-01T00:00:00Z')";
    // A later timestamp inside the condition (here in a string) is not the expiry.
    expect(read(`${at} && (resource.name == "${later}")`)).toBe("2030-01-01T00:00:00.000Z");
    // Not Elevate's shape: the expiry is not the leading clause, or the rest escapes its parentheses.
    expect(read(`resource.name == 'a' && ${later}`)).toBeNull();
    expect(read(`${at} && (resource.name == 'a') || (true)`)).toBeNull();
    expect(read(`${at} || (resource.name == 'a')`)).toBeNull();
    expect(read(`${at} && (resource.name == 'a'`)).toBeNull();
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
