import { describe, expect, it } from "vitest";
import {
  awsTime,
  decodePolicy,
  expiryPolicy,
  maxSessionSeconds,
  notAfterOf,
  revokeOlderSessionsPolicy,
  trustPolicy,
} from "./documents";

describe("aws documents", () => {
  it("writes times to the second, never later than the grant's expiry", () => {
    expect(awsTime(new Date("2030-01-02T03:04:05.999Z"))).toBe("2030-01-02T03:04:05Z");
    expect(awsTime(new Date("2030-01-02T03:04:05.000Z"))).toBe("2030-01-02T03:04:05Z");
  });

  it("cuts sessions issued up to the end of the current second", () => {
    const doc = revokeOlderSessionsPolicy(new Date("2030-01-02T03:04:05.001Z"));
    expect(doc.Statement[0]).toEqual({
      Effect: "Deny",
      Action: ["*"],
      Resource: ["*"],
      Condition: { DateLessThan: { "aws:TokenIssueTime": "2030-01-02T03:04:06Z" } },
    });
  });

  it("reads the expiry back from the URL-encoded inline policy IAM returns", () => {
    const at = new Date("2030-06-01T12:00:00Z");
    const encoded = encodeURIComponent(JSON.stringify(expiryPolicy(at)));
    expect(notAfterOf(decodePolicy(encoded))).toBe(at.toISOString());
    expect(notAfterOf(decodePolicy("%7Bnot-json"))).toBeNull();
    expect(notAfterOf(decodePolicy(undefined))).toBeNull();
  });

  it("names the principal as a JSON value, so odd characters cannot change the document", () => {
    const doc = trustPolicy('arn:aws:iam::123456789012:user/a"b', "g", new Date(0));
    expect(JSON.parse(JSON.stringify(doc)).Statement[0].Principal.AWS).toBe(
      'arn:aws:iam::123456789012:user/a"b',
    );
  });

  it.each([
    [10 * 60, 3600],
    [2 * 3600 + 30, 7230],
    [24 * 3600, 43200],
  ])("limits sessions for %i seconds left to %i", (left, expected) => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(maxSessionSeconds(new Date(now + left * 1000), now)).toBe(expected);
  });
});
