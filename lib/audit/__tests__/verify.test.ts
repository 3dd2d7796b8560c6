import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, type DbHandle, openDb } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { verifyAuditChain } from "../verify";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

async function orgWithEvents(db: Db, count: number) {
  const org = await createTestOrg(db);
  const ctx = { actor: { type: "system" as const, job: "test" }, orgId: org.org.id };
  for (let i = 1; i <= count; i++) {
    await db.transaction((tx) =>
      appendAudit(tx, ctx, {
        action: "test.event",
        subjectType: "test",
        subjectId: `s${i}`,
        data: { i, nested: { b: 1, a: [i] } },
      }),
    );
  }
  return org.org.id;
}

async function eventAt(db: Db, orgId: string, seq: number) {
  const [row] = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.seq, seq)));
  return row;
}

class Rollback extends Error {}

/**
 * Tampers inside a transaction that bypasses the append-only trigger (replica mode skips ordinary
 * triggers; works on Postgres and PGlite), verifies inside it, then rolls back so the shared test
 * database keeps an intact chain.
 */
async function verifyAfterTampering(db: Db, orgId: string, tamper: (tx: Db) => Promise<unknown>) {
  let result: Awaited<ReturnType<typeof verifyAuditChain>> | undefined;
  await db
    .transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tamper(tx);
      await tx.execute(sql`set local session_replication_role = origin`);
      result = await verifyAuditChain(tx, { orgId, pageSize: 2 });
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return result!;
}

function errorText(e: unknown): string {
  const err = e as { message?: string; cause?: { message?: string } };
  return `${err.message ?? ""} ${err.cause?.message ?? ""}`;
}

describe("verifyAuditChain", () => {
  it("verifies an intact chain, across page boundaries", async () => {
    const orgId = await orgWithEvents(h.db, 5);
    const intact = { ok: true, orgs: 1, checked: 5, checkpoints: 0, warnings: [] };
    expect(await verifyAuditChain(h.db, { orgId })).toEqual(intact);
    expect(await verifyAuditChain(h.db, { orgId, pageSize: 2 })).toEqual(intact);
  });

  it("names an edited row", async () => {
    const orgId = await orgWithEvents(h.db, 5);
    const target = await eventAt(h.db, orgId, 3);
    const result = await verifyAfterTampering(h.db, orgId, (tx) =>
      tx
        .update(auditEvents)
        .set({ data: { i: 99 } })
        .where(eq(auditEvents.id, target.id)),
    );
    expect(result).toMatchObject({
      ok: false,
      checked: 2,
      firstBad: { orgId, seq: 3, id: target.id, reason: "hash mismatch" },
    });
    // The rollback left the chain intact.
    expect((await verifyAuditChain(h.db, { orgId })).ok).toBe(true);
  });

  it("names an edited actor or timestamp", async () => {
    const orgId = await orgWithEvents(h.db, 3);
    const target = await eventAt(h.db, orgId, 1);
    const actor = await verifyAfterTampering(h.db, orgId, (tx) =>
      tx.update(auditEvents).set({ actorId: "someone-else" }).where(eq(auditEvents.id, target.id)),
    );
    expect(actor.firstBad).toEqual({ orgId, seq: 1, id: target.id, reason: "hash mismatch" });
    const time = await verifyAfterTampering(h.db, orgId, (tx) =>
      tx
        .update(auditEvents)
        .set({ createdAt: new Date(target.createdAt.getTime() - 1) })
        .where(eq(auditEvents.id, target.id)),
    );
    expect(time.firstBad?.reason).toBe("hash mismatch");
  });

  it("names the row after a deleted one as a sequence gap", async () => {
    const orgId = await orgWithEvents(h.db, 5);
    const deleted = await eventAt(h.db, orgId, 2);
    const next = await eventAt(h.db, orgId, 3);
    const result = await verifyAfterTampering(h.db, orgId, (tx) =>
      tx.delete(auditEvents).where(eq(auditEvents.id, deleted.id)),
    );
    expect(result.firstBad).toEqual({ orgId, seq: 3, id: next.id, reason: "sequence gap" });
  });

  it("detects a deleted first row", async () => {
    const orgId = await orgWithEvents(h.db, 2);
    const first = await eventAt(h.db, orgId, 1);
    const result = await verifyAfterTampering(h.db, orgId, (tx) =>
      tx.delete(auditEvents).where(eq(auditEvents.id, first.id)),
    );
    expect(result.firstBad).toMatchObject({ seq: 2, reason: "sequence gap" });
  });

  it("detects reordered rows and a relinked row", async () => {
    const orgId = await orgWithEvents(h.db, 4);
    const [second, third] = [await eventAt(h.db, orgId, 2), await eventAt(h.db, orgId, 3)];
    const swapped = await verifyAfterTampering(h.db, orgId, async (tx) => {
      await tx.update(auditEvents).set({ seq: -1 }).where(eq(auditEvents.id, second.id));
      await tx.update(auditEvents).set({ seq: 2 }).where(eq(auditEvents.id, third.id));
      await tx.update(auditEvents).set({ seq: 3 }).where(eq(auditEvents.id, second.id));
    });
    expect(swapped.firstBad).toEqual({ orgId, seq: 2, id: third.id, reason: "broken link" });
    const relinked = await verifyAfterTampering(h.db, orgId, (tx) =>
      tx
        .update(auditEvents)
        .set({ prevHash: "f".repeat(64) })
        .where(eq(auditEvents.id, third.id)),
    );
    expect(relinked.firstBad).toEqual({ orgId, seq: 3, id: third.id, reason: "broken link" });
    // Rewriting a row and its own hash still breaks the link to the next one.
    const rehashed = await verifyAfterTampering(h.db, orgId, (tx) =>
      tx
        .update(auditEvents)
        .set({ hash: "e".repeat(64) })
        .where(eq(auditEvents.id, second.id)),
    );
    expect(rehashed.firstBad).toEqual({ orgId, seq: 2, id: second.id, reason: "hash mismatch" });
  });
});

describe("append-only trigger", () => {
  it("refuses a plain UPDATE and DELETE of audit events", async () => {
    const orgId = await orgWithEvents(h.db, 2);
    const row = await eventAt(h.db, orgId, 1);
    const update = await h.db
      .update(auditEvents)
      .set({ action: "forged" })
      .where(eq(auditEvents.id, row.id))
      .then(() => null, errorText);
    expect(update).toMatch(/append-only \(UPDATE refused\)/);
    const del = await h.db
      .delete(auditEvents)
      .where(eq(auditEvents.id, row.id))
      .then(() => null, errorText);
    expect(del).toMatch(/append-only \(DELETE refused\)/);
    expect(await eventAt(h.db, orgId, 1)).toEqual(row);
  });
});

describe("verifyAuditChain over every org (private database)", () => {
  let own: DbHandle;
  beforeAll(async () => {
    own = await openDb({ dataDir: null });
  });
  afterAll(async () => own?.close());

  it("checks each org's chain separately and refuses TRUNCATE", async () => {
    const a = await orgWithEvents(own.db, 3);
    await orgWithEvents(own.db, 4);
    expect(await verifyAuditChain(own.db)).toEqual({
      ok: true,
      orgs: 2,
      checked: 7,
      checkpoints: 0,
      warnings: [],
    });
    const truncate = await own.db.execute(sql`truncate audit_events`).then(() => null, errorText);
    expect(truncate).toMatch(/append-only \(TRUNCATE refused\)/);
    const target = await eventAt(own.db, a, 2);
    await own.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.update(auditEvents).set({ subjectId: "forged" }).where(eq(auditEvents.id, target.id));
    });
    const result = await verifyAuditChain(own.db);
    expect(result.ok).toBe(false);
    expect(result.firstBad).toEqual({ orgId: a, seq: 2, id: target.id, reason: "hash mismatch" });
  });
});
