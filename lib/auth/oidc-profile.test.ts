import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { groupsFromClaims, profileFromClaims, subjectFor } from "./oidc-profile";

const opts = { issuer: "https://idp.example", groupsClaim: "groups" };

describe("profileFromClaims", () => {
  it("maps claims to our user with subject iss|sub, lower-cased email and sorted unique groups", () => {
    const p = profileFromClaims(
      {
        iss: "https://login.example/t1",
        sub: "00u1",
        email: "Ada@Example.COM",
        name: "Ada",
        groups: ["b", "a", "b"],
      },
      opts,
    );
    expect(p).toEqual({
      id: "00u1",
      name: "Ada",
      email: "ada@example.com",
      image: null,
      subject: "https://login.example/t1|00u1",
      groups: ["a", "b"],
    });
  });

  it("falls back to the configured issuer and preferred_username; reads a custom groups claim", () => {
    const p = profileFromClaims(
      { sub: "s", email: "x@y.z", preferred_username: "xy", roles: "admins" },
      { ...opts, groupsClaim: "roles" },
    );
    expect(p).toMatchObject({ subject: "https://idp.example|s", name: "xy", groups: ["admins"] });
  });

  it("throws without sub or email, so no user is created from a partial identity", () => {
    expect(() => profileFromClaims({ email: "a@b.c" }, opts)).toThrow(/sub/);
    expect(() => profileFromClaims({ sub: "s" }, opts)).toThrow(/email/);
  });
});

describe("groupsFromClaims", () => {
  it("ignores non-string entries, blanks and over-long names; a non-list claim counts as none", () => {
    expect(groupsFromClaims({ groups: ["ok", 3, "", "  ", "x".repeat(201), null] }, "groups")).toEqual([
      "ok",
    ]);
    expect(groupsFromClaims({ groups: { a: 1 } }, "groups")).toEqual([]);
    expect(groupsFromClaims({}, "groups")).toEqual([]);
  });

  it("always returns at most 500 distinct, trimmed, non-empty strings (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 700 }),
        (raw) => {
          const out = groupsFromClaims({ groups: raw }, "groups");
          expect(out.length).toBeLessThanOrEqual(500);
          expect(new Set(out).size).toBe(out.length);
          for (const g of out) expect(g.length > 0 && g === g.trim()).toBe(true);
        },
      ),
    );
  });
});

describe("subjectFor", () => {
  it("joins issuer and sub, so the same sub at two IdPs is two people", () => {
    expect(subjectFor("https://a", "1")).not.toBe(subjectFor("https://b", "1"));
  });
});
