import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import type { EventRow } from "../batch";
import { insertEvents } from "../store";
import { eventsOf } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

// Values a log can carry that mean something inside a Postgres array literal
// (https://www.postgresql.org/docs/current/arrays.html#ARRAYS-IO): quotes, backslashes, braces, commas,
// the word NULL, blanks, an empty string, non-ASCII, and the NUL character that text cannot hold.
const AWKWARD = [
  'say "hi"',
  "C:\\temp\\",
  "{a,b}",
  "x, y",
  "NULL",
  "null",
  "  padded  ",
  "",
  "ünïcødé ✓ 日本",
  "\\",
  '"',
  "a\u0000b",
];

const row = (i: number, v: string): EventRow => ({
  cloud: "aws",
  event_id: `evt-${i}-${v}`,
  occurred_at: new Date(Date.UTC(2026, 10, 30, 12, 0, i)).toISOString(),
  target_id: null,
  scope: v,
  principal: v,
  session_name: i % 2 ? null : v,
  permission: `s3:${v}`,
  allowed: i % 3 !== 0,
  resource: i % 2 ? v : null,
  operation: v,
  attribution: "standing",
  grant_id: null,
});

describe("insertEvents (array literals read back by the database)", () => {
  it("stores every awkward value exactly as logged, NUL as U+FFFD, nulls as NULL", async () => {
    const org = await createTestOrg(h.db);
    const rows = AWKWARD.map((v, i) => row(i, v));
    const stored = await insertEvents(h.db, org.org.id, randomUUID(), rows);
    const want = (s: string) => s.replaceAll("\u0000", "\uFFFD");
    for (const r of rows) expect(stored(want(r.event_id)), r.event_id).toBe(true);
    const back = await eventsOf(h.db, org);
    expect(back).toHaveLength(rows.length);
    for (const r of rows) {
      const s = back.find((e) => e.eventId === want(r.event_id));
      expect(s, r.event_id).toBeDefined();
      expect(s).toMatchObject({
        scope: want(r.scope as string),
        principal: want(r.principal),
        sessionName: r.session_name === null ? null : want(r.session_name),
        permission: want(r.permission),
        allowed: r.allowed,
        resource: r.resource === null ? null : want(r.resource),
        operation: want(r.operation),
        grantId: null,
      });
      expect(s?.occurredAt.toISOString()).toBe(r.occurred_at);
    }
  });

  it("skips rows already stored and reports only the new ones (the batch runs again with ON CONFLICT)", async () => {
    const org = await createTestOrg(h.db);
    const first = [row(1, "a"), row(2, "b")];
    const once = await insertEvents(h.db, org.org.id, randomUUID(), first);
    expect([once("evt-1-a"), once("evt-2-b")]).toEqual([true, true]);
    const again = await insertEvents(h.db, org.org.id, randomUUID(), [...first, row(3, "c")]);
    expect([again("evt-1-a"), again("evt-2-b"), again("evt-3-c")]).toEqual([false, false, true]);
    expect(await eventsOf(h.db, org)).toHaveLength(3);
  });

  it("throws any other database error and stores nothing of the batch", async () => {
    const org = await createTestOrg(h.db);
    const bad = { ...row(2, "b"), target_id: "not-a-uuid" };
    await expect(insertEvents(h.db, org.org.id, randomUUID(), [row(1, "a"), bad])).rejects.toThrow(/uuid/i);
    expect(await eventsOf(h.db, org)).toHaveLength(0);
  });

  it("two imports racing for the same events store each once and agree on who stored it", async () => {
    const org = await createTestOrg(h.db);
    const rows = Array.from({ length: 400 }, (_, i) => row(i, `r${String(i).padStart(3, "0")}`));
    // Overlapping halves, sent at once (on Postgres through two pool connections).
    const batches = [rows.slice(0, 300), rows.slice(100)];
    const stored = await Promise.all(batches.map((b) => insertEvents(h.db, org.org.id, randomUUID(), b)));
    for (const r of rows) {
      // A batch's answer is about its own rows: each row is claimed by exactly one batch holding it.
      const claims = batches.filter((b, k) => b.includes(r) && stored[k](r.event_id));
      expect(claims.length, r.event_id).toBe(1);
    }
    expect(await eventsOf(h.db, org)).toHaveLength(400);
  });
});
