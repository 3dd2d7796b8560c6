import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globComplexityError, globMatch, MAX_PATTERN_STARS } from "./glob";

/** Oracle: the textbook dynamic-programming definition of glob matching (not the code under test). */
function dpMatch(p: string, t: string): boolean {
  const m = Array.from({ length: p.length + 1 }, () => new Array<boolean>(t.length + 1).fill(false));
  m[0][0] = true;
  for (let i = 1; i <= p.length; i++) m[i][0] = m[i - 1][0] && p[i - 1] === "*";
  for (let i = 1; i <= p.length; i++)
    for (let j = 1; j <= t.length; j++)
      m[i][j] =
        p[i - 1] === "*"
          ? m[i - 1][j] || m[i][j - 1]
          : (p[i - 1] === "?" || p[i - 1] === t[j - 1]) && m[i - 1][j - 1];
  return m[p.length][t.length];
}

describe("globMatch", () => {
  it.each([
    ["s3:Get*", "s3:GetObject", true],
    ["s3:Get*", "s3:PutObject", false],
    ["s3:Get?bject", "s3:GetObject", true],
    ["*", "", true],
    ["?", "", false],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "aXbY", false],
    ["arn:aws:s3:::orders/*", "arn:aws:s3:::orders/2024/x.csv", true],
    ["arn:aws:s3:::orders/*", "arn:aws:s3:::orders-replica/x", false],
    ["vpc-lattice:AssociateViaAWSService-*", "vpc-lattice:AssociateViaAWSService-EventsAndStates", true],
    ["**a", "a", true],
  ])("%s ~ %s → %s", (p, t, want) => {
    expect(globMatch(p, t)).toBe(want);
  });

  it("ignores case only when asked", () => {
    expect(globMatch("S3:get*", "s3:GetObject")).toBe(false);
    expect(globMatch("S3:get*", "s3:GetObject", { ignoreCase: true })).toBe(true);
  });

  it("treats regular-expression syntax as literal text", () => {
    expect(globMatch("a.c", "abc")).toBe(false);
    expect(globMatch("a+(b)", "a+(b)")).toBe(true);
    expect(globMatch("[ab]", "a")).toBe(false);
  });

  it("agrees with the dynamic-programming definition (fixed seed)", () => {
    const chars = fc.constantFrom("a", "b", "*", "?", ":");
    fc.assert(
      fc.property(
        fc.string({ unit: chars, maxLength: 12 }),
        fc.string({ unit: fc.constantFrom("a", "b", ":"), maxLength: 16 }),
        (p, t) => {
          expect(globMatch(p, t)).toBe(dpMatch(p, t));
        },
      ),
      { seed: 20261202, numRuns: 5000 },
    );
  });

  it("answers pathological patterns at once (the pattern that froze the server for 24 s)", () => {
    // Each extra `*?` multiplied a backtracking regex's time by five; here the work is bounded by
    // pattern × text. 2,000 matches of a 40-`*?` pattern against a 200-character name run in milliseconds.
    const evil = `ec2:${"*?".repeat(40)}Z9`;
    const text = `ec2:${"a".repeat(200)}`;
    const started = performance.now();
    for (let i = 0; i < 2000; i++) expect(globMatch(evil, text)).toBe(false);
    // A generous ceiling that a backtracking matcher (minutes) cannot meet and a bounded one always does.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe("globComplexityError", () => {
  it("accepts ordinary patterns", () => {
    expect(globComplexityError("s3:Get*")).toBeNull();
  });
  it("refuses too many stars and over-long patterns", () => {
    expect(globComplexityError(`ec2:${"*?".repeat(MAX_PATTERN_STARS + 1)}`)).toMatch(/at most 10/);
    expect(globComplexityError(`ec2:${"a".repeat(300)}`)).toMatch(/256 characters/);
  });
});
