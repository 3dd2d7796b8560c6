import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Filter, matches, parseFilter, parsePatchPath } from "./filter";

// Examples from RFC 7644 §3.4.2.2 (https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2.2) and the filters
// Okta and Entra ID send (userName eq, externalId eq, displayName eq, members[value eq]).
const bjensen = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  id: "2819c223-7f76-453a-919d-413861904646",
  externalId: "bjensen",
  userName: "bjensen@example.com",
  name: { familyName: "Jensen", givenName: "Barbara" },
  title: "Tour Guide",
  userType: "Employee",
  active: true,
  emails: [
    { value: "bjensen@example.com", type: "work", primary: true },
    { value: "babs@jensen.org", type: "home" },
  ],
  meta: { lastModified: "2011-05-13T04:42:34Z", resourceType: "User" },
};

const ok = (f: string) => matches(parseFilter(f), bjensen);

describe("SCIM filter parser and evaluator", () => {
  it("matches the RFC's examples", () => {
    expect(ok('userName Eq "BJensen@example.com"')).toBe(true); // attribute names and ops ignore case; value too
    expect(ok('USERNAME eq "bjensen@example.com"')).toBe(true);
    expect(ok('name.familyName co "ens"')).toBe(true);
    expect(ok('userName sw "bj"')).toBe(true);
    expect(ok('userName ew "example.com"')).toBe(true);
    expect(ok("title pr")).toBe(true);
    expect(ok("nickName pr")).toBe(false);
    expect(ok('meta.lastModified gt "2011-05-13T04:42:34Z"')).toBe(false);
    expect(ok('meta.lastModified ge "2011-05-13T04:42:34Z"')).toBe(true);
    expect(ok('title pr and userType eq "Employee"')).toBe(true);
    expect(ok('title pr or userType eq "Intern"')).toBe(true);
    expect(ok('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")')).toBe(
      true,
    );
    expect(
      ok('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")'),
    ).toBe(false);
    expect(ok('userType eq "Employee" and emails[type eq "work" and value co "@example.com"]')).toBe(true);
    expect(ok('emails[type eq "home" and value co "@example.com"]')).toBe(false);
    expect(ok('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bj"')).toBe(true);
    expect(ok("active eq true")).toBe(true);
    expect(ok("active eq false")).toBe(false);
    expect(ok('externalId eq "BJENSEN"')).toBe(false); // externalId is caseExact (RFC 7643 §3.1)
    expect(ok('externalId eq "bjensen"')).toBe(true);
  });

  it("binds and tighter than or, and not tightest", () => {
    // false or (true and false) = false; (false or true) and false would also be false, so use a distinguishing case:
    // true or (false and false) = true, whereas (true or false) and false = false.
    expect(ok('title pr or nickName pr and userType eq "Intern"')).toBe(true);
    expect(ok('(title pr or nickName pr) and userType eq "Intern"')).toBe(false);
    expect(ok('not (title pr) or userType eq "Employee"')).toBe(true);
  });

  it("refuses malformed filters with invalidFilter, naming where", () => {
    for (const bad of [
      "",
      "userName",
      "userName eq",
      'userName zz "x"',
      '(userName eq "x"',
      'userName eq "x")',
      'userName eq "x',
      "userName eq bare",
      'emails[type eq "work"',
      '1abc eq "x"',
      'userName eq "x" and',
      'userName eq "x" # y',
      "active gt true",
    ]) {
      const run = () => matches(parseFilter(bad), bjensen);
      expect(run, bad).toThrowError(expect.objectContaining({ status: 400, scimType: "invalidFilter" }));
    }
  });

  it("bounds size and depth: long or deeply nested input is refused quickly, never hangs", () => {
    expect(() => parseFilter(`userName eq "${"a".repeat(3000)}"`)).toThrow(/longer than/);
    expect(() => parseFilter(`${"(".repeat(100)}title pr${")".repeat(100)}`)).toThrow(
      /deeper than|more than/,
    );
    const many = Array.from({ length: 150 }, () => "title pr").join(" or ");
    expect(() => parseFilter(many)).toThrow(/more than .* tokens/);
  });

  it("parses PATCH paths with value filters and sub-attributes", () => {
    expect(parsePatchPath('members[value eq "2819c223"]')).toMatchObject({
      path: { attr: "members", sub: null },
      filter: { op: "eq", path: { attr: "value" }, value: "2819c223" },
    });
    expect(parsePatchPath('emails[type eq "work"].value')).toMatchObject({
      path: { attr: "emails", sub: "value" },
    });
    expect(parsePatchPath("name.givenName")).toMatchObject({
      path: { schema: null, attr: "name", sub: "givenname" },
      filter: null,
    });
    expect(
      parsePatchPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department").path,
    ).toMatchObject({
      schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user",
      attr: "department",
      sub: null,
    });
    expect(() => parsePatchPath('members[value eq "x"] junk')).toThrow();
  });

  // Property: and/or/not evaluate as boolean logic over their parts, with the RFC's precedence. The oracle
  // is JavaScript's own &&, ||, ! over the leaves' truth values, not this parser.
  it("evaluates generated boolean combinations like JavaScript's operators (fixed seed)", () => {
    const leaves = [
      { text: "title pr", value: true },
      { text: "nickName pr", value: false },
      { text: 'userType eq "Employee"', value: true },
      { text: 'userName sw "zz"', value: false },
    ];
    type Expr = { text: string; value: boolean };
    const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
      e: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom(...leaves),
        fc
          .tuple(tie("e"), tie("e"))
          .map(([a, b]) => ({ text: `(${a.text}) and (${b.text})`, value: a.value && b.value })),
        fc
          .tuple(tie("e"), tie("e"))
          .map(([a, b]) => ({ text: `(${a.text}) OR (${b.text})`, value: a.value || b.value })),
        tie("e").map((a) => ({ text: `not (${a.text})`, value: !a.value })),
      ),
    })).e;
    fc.assert(
      fc.property(expr, (e) => {
        expect(ok(e.text)).toBe(e.value);
      }),
      { seed: 20_261_202, numRuns: 300 },
    );
    // Unparenthesised chains: a or b and c = a || (b && c).
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...leaves), { minLength: 3, maxLength: 3 }), ([a, b, c]) => {
        expect(ok(`${a.text} or ${b.text} and ${c.text}`)).toBe(a.value || (b.value && c.value));
        expect(ok(`${a.text} and ${b.text} or ${c.text}`)).toBe((a.value && b.value) || c.value);
      }),
      { seed: 20_261_202 },
    );
  });

  it("builds the tree the grammar implies", () => {
    const f: Filter = parseFilter("a pr or b pr and c pr");
    expect(f).toMatchObject({ op: "or", right: { op: "and" } });
  });
});
