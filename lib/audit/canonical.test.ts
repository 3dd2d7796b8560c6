import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalAroundSeq, canonicalJson, eventHash, GENESIS_HASH } from "./canonical";

const event = {
  orgId: "00000000-0000-4000-8000-000000000001",
  actorType: "user",
  actorId: "u1",
  action: "request.submitted",
  subjectType: "request",
  subjectId: "r1",
  // A nested "seq" and text that looks like JSON must not move the cut.
  data: { seq: 7, z: ',"seq":1,', a: ["ü", { b: null }] },
  createdAt: new Date("2026-01-02T03:04:05.678Z"),
};

describe("canonicalAroundSeq", () => {
  it("cuts the canonical JSON exactly where the seq goes", () => {
    const { prefix, suffix } = canonicalAroundSeq(event);
    for (const seq of [1, 42, 9_007_199_254_740_991]) {
      expect(`${prefix}${seq}${suffix}`).toBe(
        canonicalJson({ ...event, seq, createdAt: event.createdAt.toISOString() }),
      );
    }
  });

  it("gives the hash eventHash gives, as the database computes it (sha256 of prev, prefix, seq, suffix)", () => {
    const { prefix, suffix } = canonicalAroundSeq(event);
    const byParts = createHash("sha256").update(`${GENESIS_HASH}${prefix}3${suffix}`).digest("hex");
    expect(byParts).toBe(eventHash(GENESIS_HASH, { ...event, seq: 3 }));
  });
});

describe("eventHash", () => {
  it("is sha256(prev + canonicalJson of the hashed fields), whatever else the row carries", () => {
    const row = {
      ...event,
      seq: 12,
      actorId: 'quote " and \\ backslash, \u2028 line sep, emoji 😀',
      data: { z: undefined, b: [1, { y: 2, x: "\u0000" }], a: null },
    };
    const expected = createHash("sha256")
      .update(`${GENESIS_HASH}${canonicalJson({ ...row, createdAt: row.createdAt.toISOString() })}`)
      .digest("hex");
    expect(eventHash(GENESIS_HASH, row)).toBe(expected);
    // A stored row's extra columns (id, prevHash, hash) are not hashed.
    expect(eventHash(GENESIS_HASH, { ...row, id: 5, prevHash: "x", hash: "y" } as typeof row)).toBe(expected);
  });
});
