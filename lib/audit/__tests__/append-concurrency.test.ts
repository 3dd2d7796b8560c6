import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DbHandle } from "@/db/client";
import { auditEvents, auditPending } from "@/db/schema";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { appendAudit } from "../append";
import { GENESIS_HASH } from "../canonical";
import { verifyAuditChain } from "../verify";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

class Rollback extends Error {}
const system = { type: "system" as const, job: "test" };

async function chain(db: Db, orgId: string) {
  return db
    .select({
      seq: auditEvents.seq,
      prevHash: auditEvents.prevHash,
      hash: auditEvents.hash,
      subjectId: auditEvents.subjectId,
    })
    .from(auditEvents)
    .where(eq(auditEvents.orgId, orgId))
    .orderBy(asc(auditEvents.seq));
}

async function pendingCount(db: Db, orgId: string) {
  return (await db.select({ id: auditPending.id }).from(auditPending).where(eq(auditPending.orgId, orgId)))
    .length;
}

describe("appendAudit under concurrency (real database)", () => {
  it("keeps one linear, gap-free, verifiable chain when many transactions append at once and some roll back", async () => {
    const org = await createTestOrg(h.db);
    const orgId = org.org.id;
    const ctx = { actor: system, orgId };
    const TXS = 48;
    // Each transaction appends 1–3 events with other statements between them and after them, so the
    // transactions overlap; every fifth one throws after appending and must leave nothing behind.
    const outcomes = await Promise.allSettled(
      Array.from({ length: TXS }, (_, t) =>
        h.db.transaction(async (tx) => {
          const events = 1 + (t % 3);
          for (let e = 0; e < events; e++) {
            await appendAudit(tx, ctx, {
              action: "test.concurrent",
              subjectType: "test",
              subjectId: `t${t}e${e}`,
            });
            await tx.execute(sql`select count(*) from audit_events where org_id = ${orgId}`);
          }
          if (t % 5 === 4) throw new Rollback();
          return events;
        }),
      ),
    );
    const committed = outcomes.flatMap((o, t) => (o.status === "fulfilled" ? [t] : []));
    for (const [t, o] of outcomes.entries()) {
      if (o.status === "rejected") expect({ t, error: o.reason }).toEqual({ t, error: expect.any(Rollback) });
    }
    expect(committed.length).toBe(TXS - Math.floor(TXS / 5));

    const rows = await chain(h.db, orgId);
    const expectedEvents = committed.reduce((n, t) => n + 1 + (t % 3), 0);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: expectedEvents }, (_, i) => i + 1));
    expect(rows.map((r) => r.prevHash)).toEqual([GENESIS_HASH, ...rows.slice(0, -1).map((r) => r.hash)]);
    // A transaction's events are chained together, in the order it appended them.
    for (const t of committed) {
      const seqs = rows.filter((r) => r.subjectId.startsWith(`t${t}e`)).map((r) => [r.subjectId, r.seq]);
      const first = seqs[0][1] as number;
      expect(seqs).toEqual(seqs.map((_, e) => [`t${t}e${e}`, first + e]));
    }
    expect(rows.some((r) => Number(r.subjectId.slice(1).split("e")[0]) % 5 === 4)).toBe(false);
    expect(await pendingCount(h.db, orgId)).toBe(0);
    expect(await verifyAuditChain(h.db, { orgId })).toEqual({
      ok: true,
      orgs: 1,
      checked: expectedEvents,
      checkpoints: 0,
      warnings: [],
    });
  });

  it("leaves no event, chained or pending, from a rolled-back transaction", async () => {
    const org = await createTestOrg(h.db);
    const orgId = org.org.id;
    const ctx = { actor: system, orgId };
    await h.db.transaction((tx) =>
      appendAudit(tx, ctx, { action: "test.kept", subjectType: "test", subjectId: "kept" }),
    );
    const rolledBack = await h.db
      .transaction(async (tx) => {
        await appendAudit(tx, ctx, { action: "test.lost", subjectType: "test", subjectId: "lost" });
        throw new Rollback();
      })
      .catch((e: unknown) => e);
    expect(rolledBack).toBeInstanceOf(Rollback);
    await h.db.transaction((tx) =>
      appendAudit(tx, ctx, { action: "test.kept", subjectType: "test", subjectId: "after" }),
    );

    expect((await chain(h.db, orgId)).map((r) => [r.seq, r.subjectId])).toEqual([
      [1, "kept"],
      [2, "after"],
    ]);
    expect(await pendingCount(h.db, orgId)).toBe(0);
    expect((await verifyAuditChain(h.db, { orgId })).ok).toBe(true);
  });

  it("reports a committed event that was never chained (chaining trigger bypassed)", async () => {
    const org = await createTestOrg(h.db);
    const orgId = org.org.id;
    const ctx = { actor: system, orgId };
    await h.db.transaction((tx) =>
      appendAudit(tx, ctx, { action: "test.kept", subjectType: "test", subjectId: "kept" }),
    );
    let result: Awaited<ReturnType<typeof verifyAuditChain>> | undefined;
    // Replica mode skips ordinary triggers, as a disabled trigger would; rolled back afterwards.
    await h.db
      .transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await appendAudit(tx, ctx, { action: "test.unchained", subjectType: "test", subjectId: "x" });
        await tx.execute(sql`set local session_replication_role = origin`);
        result = await verifyAuditChain(tx, { orgId });
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    expect(result).toMatchObject({
      ok: false,
      checked: 1,
      firstBad: { orgId, seq: 2, reason: "unchained event" },
    });
    const [stillThere] = await h.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.subjectId, "x")));
    expect(stillThere.n).toBe(0);
  });
});
