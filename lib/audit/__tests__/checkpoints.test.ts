import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DbHandle } from "@/db/client";
import { auditCheckpoints, auditEvents, auditPending } from "@/db/schema";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { DirectoryAnchor } from "../anchor";
import { appendAudit } from "../append";
import { canonicalAroundSeq, eventHash } from "../canonical";
import { checkpointBytes, checkpointDue, createCheckpoint, signCheckpoint } from "../checkpoint";
import { keyIdOf, type SigningKey } from "../keys";
import { purgeAuditBefore } from "../retention";
import { type VerifyOptions, verifyAuditChain } from "../verify";

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), source: "test" };
}
const key = newKey();
const otherKey = newKey();

let h: DbHandle;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "elevate-anchor-"));
  dirs.push(d);
  return d;
};
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => {
  await h?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Events as appendAudit writes them; `at` backdates them (hashed with that time, as if written then). */
async function appendEvents(db: Db, orgId: string, from: number, to: number, at?: Date) {
  const ctx = { actor: { type: "system" as const, job: "test" }, orgId };
  for (let i = from; i <= to; i++) {
    await db.transaction(async (tx) => {
      if (!at) {
        await appendAudit(tx, ctx, {
          action: "test.event",
          subjectType: "test",
          subjectId: `s${i}`,
          data: { i },
        });
        return;
      }
      const event = {
        orgId,
        actorType: "system",
        actorId: "test",
        action: "test.event",
        subjectType: "test",
        subjectId: `s${i}`,
        data: { i },
        createdAt: at,
      };
      const { prefix, suffix } = canonicalAroundSeq(event);
      await tx.insert(auditPending).values({ ...event, hashPrefix: prefix, hashSuffix: suffix });
    });
  }
}

/** An org with `count` events and signed checkpoints at each seq in `at` (anchored in `anchor`). */
async function signedOrg(count: number, at: number[], anchor?: DirectoryAnchor) {
  const org = await createTestOrg(h.db);
  const orgId = org.org.id;
  let done = 0;
  for (const seq of [...at, count]) {
    if (seq > done) await appendEvents(h.db, orgId, done + 1, seq);
    done = Math.max(done, seq);
    if (at.includes(seq))
      await createCheckpoint(h.db, { orgId, reason: "periodic", key, anchor: anchor ?? null });
  }
  return orgId;
}

const opts = (orgId: string, extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
  orgId,
  pageSize: 2,
  publicKeys: [key.publicKey],
  ...extra,
});

class Rollback extends Error {}

/**
 * Tampers as a database superuser would (replica mode skips the append-only triggers; Postgres and
 * PGlite), verifies inside the same transaction, then rolls back so the shared database stays intact.
 */
async function verifyAfter(
  orgId: string,
  tamper: (tx: Db) => Promise<unknown>,
  extra?: Partial<VerifyOptions>,
) {
  let result: Awaited<ReturnType<typeof verifyAuditChain>> | undefined;
  await h.db
    .transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tamper(tx);
      await tx.execute(sql`set local session_replication_role = origin`);
      result = await verifyAuditChain(tx, opts(orgId, extra));
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return result!;
}

const rows = (db: Db, orgId: string) =>
  db.select().from(auditEvents).where(eq(auditEvents.orgId, orgId)).orderBy(asc(auditEvents.seq));

describe("signed checkpoints", () => {
  it("verify passes on an intact chain and counts the checkpoints it checked", async () => {
    const orgId = await signedOrg(7, [3, 6]);
    expect(await verifyAuditChain(h.db, opts(orgId))).toEqual({
      ok: true,
      orgs: 1,
      checked: 7,
      checkpoints: 2,
      warnings: [],
    });
  });

  it("signs a canonical byte string anyone can check with the public key alone", async () => {
    const orgId = await signedOrg(2, [2]);
    const [row] = await h.db.select().from(auditCheckpoints).where(eq(auditCheckpoints.orgId, orgId));
    const text = Buffer.from(
      checkpointBytes({
        orgId,
        seq: 2,
        headHash: row.headHash,
        signedAt: row.signedAt.toISOString(),
        keyId: key.keyId,
        reason: "periodic",
      }),
    ).toString("utf8");
    expect(text).toBe(
      `elevate-audit-checkpoint/v1\norg=${orgId}\nseq=2\nhead=${row.headHash}\ntime=${row.signedAt.toISOString()}\nkey=${key.keyId}\nreason=periodic\n`,
    );
    const { verify } = await import("node:crypto");
    expect(verify(null, Buffer.from(text), key.publicKey, Buffer.from(row.signature, "hex"))).toBe(true);
  });

  it("names an edited row and a deleted middle row", async () => {
    const orgId = await signedOrg(6, [5]);
    const all = await rows(h.db, orgId);
    const edited = await verifyAfter(orgId, (tx) =>
      tx
        .update(auditEvents)
        .set({ data: { i: 99 } })
        .where(eq(auditEvents.id, all[2].id)),
    );
    expect(edited.firstBad).toEqual({ orgId, seq: 3, id: all[2].id, reason: "hash mismatch" });
    const deleted = await verifyAfter(orgId, (tx) =>
      tx.delete(auditEvents).where(eq(auditEvents.id, all[1].id)),
    );
    expect(deleted.firstBad).toEqual({ orgId, seq: 3, id: all[2].id, reason: "sequence gap" });
  });

  it("names a tail truncated behind a checkpoint (the chain alone cannot see it)", async () => {
    const orgId = await signedOrg(6, [5]);
    const all = await rows(h.db, orgId);
    const cut = await verifyAfter(orgId, (tx) =>
      tx.delete(auditEvents).where(and(eq(auditEvents.orgId, orgId), sql`${auditEvents.seq} >= 4`)),
    );
    expect(cut.ok).toBe(false);
    expect(cut.firstBad).toMatchObject({ orgId, seq: 4, id: 0, reason: "truncated tail" });
    expect(cut.firstBad?.detail).toMatch(/covers seq 5, but the chain ends at seq 3/);
    // Deleting only what no checkpoint covers yet goes unseen: that is what the schedule bounds.
    const uncovered = await verifyAfter(orgId, (tx) =>
      tx.delete(auditEvents).where(eq(auditEvents.id, all[5].id)),
    );
    expect(uncovered.ok).toBe(true);
  });

  it("names a chain rewritten from an edited row to its head with every hash recomputed", async () => {
    const orgId = await signedOrg(6, [4]);
    const result = await verifyAfter(orgId, async (tx) => {
      const all = await rows(tx, orgId);
      let prev = all[1].hash;
      for (const row of all.slice(2)) {
        const data = row.seq === 3 ? { i: 1000 } : row.data;
        const hash = eventHash(prev, { ...row, data });
        await tx.update(auditEvents).set({ data, prevHash: prev, hash }).where(eq(auditEvents.id, row.id));
        prev = hash;
      }
    });
    expect(result.firstBad).toMatchObject({ orgId, seq: 4, reason: "checkpoint mismatch" });
    expect(result.firstBad?.detail).toMatch(/rewritten/);
  });

  it("names a forged checkpoint: altered head, another key, a made-up signature", async () => {
    const orgId = await signedOrg(4, [3]);
    const [cp] = await h.db.select().from(auditCheckpoints).where(eq(auditCheckpoints.orgId, orgId));
    const altered = await verifyAfter(orgId, (tx) =>
      tx
        .update(auditCheckpoints)
        .set({ headHash: "a".repeat(64) })
        .where(eq(auditCheckpoints.id, cp.id)),
    );
    expect(altered.firstBad).toMatchObject({ seq: 3, checkpointId: cp.id, reason: "bad signature" });
    const forged = signCheckpoint(otherKey, {
      orgId,
      seq: 4,
      headHash: "b".repeat(64),
      signedAt: new Date().toISOString(),
      reason: "manual",
    });
    const otherSigner = await verifyAfter(orgId, (tx) =>
      tx.insert(auditCheckpoints).values({ ...forged, signedAt: new Date(forged.signedAt) }),
    );
    expect(otherSigner.firstBad).toMatchObject({ seq: 4, reason: "unknown key" });
    const madeUp = await verifyAfter(orgId, (tx) =>
      tx.insert(auditCheckpoints).values({
        ...forged,
        keyId: key.keyId,
        signature: "0".repeat(128),
        signedAt: new Date(forged.signedAt),
      }),
    );
    expect(madeUp.firstBad).toMatchObject({ seq: 4, reason: "bad signature" });
    // Upper-case hex of a genuine signature is refused too: only the exact lowercase bytes verify.
    const upper = await verifyAfter(orgId, (tx) =>
      tx
        .update(auditCheckpoints)
        .set({ signature: cp.signature.toUpperCase() })
        .where(eq(auditCheckpoints.id, cp.id)),
    );
    expect(upper.firstBad).toMatchObject({ reason: "bad signature" });
  });

  it("with an anchor, names checkpoints deleted from the database together with the tail they covered", async () => {
    const anchor = new DirectoryAnchor(tempDir());
    const orgId = await signedOrg(6, [2, 5], anchor);
    expect(readdirSync(path.join(anchor.dir, "checkpoints", orgId)).sort()).toEqual([
      "0000000000000002-periodic.json",
      "0000000000000005-periodic.json",
    ]);
    const attack = async (tx: Db) => {
      await tx.delete(auditEvents).where(and(eq(auditEvents.orgId, orgId), sql`${auditEvents.seq} >= 3`));
      await tx
        .delete(auditCheckpoints)
        .where(and(eq(auditCheckpoints.orgId, orgId), eq(auditCheckpoints.seq, 5)));
    };
    // Without the anchor the database looks consistent: that is the limit of checkpoints kept beside the data.
    expect((await verifyAfter(orgId, attack)).ok).toBe(true);
    const anchored = await verifyAfter(orgId, attack, { anchor });
    expect(anchored.firstBad).toMatchObject({ seq: 5, reason: "checkpoint missing" });
    expect(anchored.firstBad?.detail).toContain(anchor.describe());
    expect((await verifyAuditChain(h.db, opts(orgId, { anchor }))).ok).toBe(true);
  });

  it("checkpoints and anchored objects are append-only (UPDATE/DELETE refused; a rewrite of an anchor file fails)", async () => {
    const anchor = new DirectoryAnchor(tempDir());
    const orgId = await signedOrg(2, [2], anchor);
    const err = await h.db
      .delete(auditCheckpoints)
      .where(eq(auditCheckpoints.orgId, orgId))
      .then(
        () => "",
        (e: { message?: string; cause?: { message?: string } }) => `${e.message} ${e.cause?.message}`,
      );
    expect(err).toMatch(/append-only \(DELETE refused\)/);
    const [cp] = await h.db.select().from(auditCheckpoints).where(eq(auditCheckpoints.orgId, orgId));
    await expect(
      anchor.putCheckpoint({
        orgId,
        seq: 2,
        headHash: "c".repeat(64),
        signedAt: cp.signedAt.toISOString(),
        keyId: cp.keyId,
        reason: "periodic",
        signature: cp.signature,
      }),
    ).rejects.toThrow(/already holds other content/);
  });

  it("checkpointDue signs after N new events or M minutes, never twice for the same head", async () => {
    const org = await createTestOrg(h.db);
    const orgId = org.org.id;
    const now = new Date();
    await appendEvents(h.db, orgId, 1, 2);
    // No checkpoint yet: the first one is due at once.
    expect(await checkpointDue(h.db, { orgId, every: 3, minutes: 60, key, now })).toEqual({
      orgs: 1,
      written: 1,
    });
    await appendEvents(h.db, orgId, 3, 4);
    expect((await checkpointDue(h.db, { orgId, every: 3, minutes: 60, key, now })).written).toBe(0);
    await appendEvents(h.db, orgId, 5, 5);
    expect((await checkpointDue(h.db, { orgId, every: 3, minutes: 60, key, now })).written).toBe(1);
    await appendEvents(h.db, orgId, 6, 6);
    const later = new Date(now.getTime() + 61 * 60_000);
    expect((await checkpointDue(h.db, { orgId, every: 3, minutes: 60, key, now: later })).written).toBe(1);
    expect((await checkpointDue(h.db, { orgId, every: 1, minutes: 60, key, now: later })).written).toBe(0);
    const seqs = await h.db
      .select({ seq: auditCheckpoints.seq })
      .from(auditCheckpoints)
      .where(eq(auditCheckpoints.orgId, orgId))
      .orderBy(auditCheckpoints.seq);
    expect(seqs.map((s) => s.seq)).toEqual([2, 5, 6]);
    // Without a key the pass writes nothing (production without ELEVATE_AUDIT_SIGNING_KEY).
    expect(await checkpointDue(h.db, { orgId, key: null })).toEqual({ orgs: 0, written: 0 });
  });
});

describe("retention", () => {
  it("exports, cuts with a signed retention checkpoint, purges, and the rest still verifies", async () => {
    const anchor = new DirectoryAnchor(tempDir());
    const org = await createTestOrg(h.db);
    const orgId = org.org.id;
    const old = new Date("2020-01-01T00:00:00.000Z");
    await appendEvents(h.db, orgId, 1, 4, old);
    await appendEvents(h.db, orgId, 5, 6);
    await createCheckpoint(h.db, { orgId, reason: "periodic", key, anchor, atSeq: 4 });
    const before = await rows(h.db, orgId);

    const result = await purgeAuditBefore(h.db, { orgId, before: new Date("2021-01-01"), sink: anchor, key });
    expect(result).toMatchObject({
      orgId,
      purged: 4,
      cut: { seq: 4, reason: "retention", headHash: before[3].hash },
    });
    const lines = readFileSync(result.archive!, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.seq, l.hash])).toEqual(before.slice(0, 4).map((r) => [r.seq, r.hash]));
    expect((await rows(h.db, orgId)).map((r) => r.seq)).toEqual([5, 6]);

    const verified = await verifyAuditChain(h.db, opts(orgId, { anchor }));
    expect(verified).toMatchObject({ ok: true, checked: 2 });
    // The exported lines re-hash to the chain up to the cut: an auditor can check the archive too.
    let prev = "0".repeat(64);
    for (const l of lines) {
      expect(eventHash(prev, { ...l, createdAt: new Date(l.createdAt) })).toBe(l.hash);
      prev = l.hash;
    }
    expect(prev).toBe(result.cut!.headHash);

    // Deleting more of the head, below no retention cut, is a gap again.
    const more = await verifyAfter(orgId, (tx) =>
      tx.delete(auditEvents).where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.seq, 5))),
    );
    expect(more.firstBad).toMatchObject({ seq: 6, reason: "sequence gap" });
  });

  it("the trigger lets a purge through only at or below a retention checkpoint, and only when asked", async () => {
    const org = await createTestOrg(h.db);
    const orgId = org.org.id;
    await appendEvents(h.db, orgId, 1, 3);
    await createCheckpoint(h.db, { orgId, reason: "periodic", key, anchor: null, atSeq: 2 });
    const attempt = (seq: number, asked: boolean) =>
      h.db
        .transaction(async (tx) => {
          if (asked) await tx.execute(sql`select set_config('elevate.audit_purge', 'on', true)`);
          await tx.delete(auditEvents).where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.seq, seq)));
        })
        .then(
          () => "deleted",
          (e: { message?: string; cause?: { message?: string } }) => `${e.message} ${e.cause?.message}`,
        );
    // A periodic checkpoint is no cut; asking is not enough without a retention one.
    expect(await attempt(1, true)).toMatch(/append-only \(DELETE refused\)/);
    await createCheckpoint(h.db, { orgId, reason: "retention", key, anchor: null, atSeq: 2 });
    expect(await attempt(1, false)).toMatch(/append-only \(DELETE refused\)/);
    expect(await attempt(3, true)).toMatch(/append-only \(DELETE refused\)/);
    expect(await attempt(1, true)).toBe("deleted");
  });

  it("purges nothing when no event is old enough, and refuses without an archive or a key", async () => {
    const org = await createTestOrg(h.db);
    await appendEvents(h.db, org.org.id, 1, 1);
    const anchor = new DirectoryAnchor(tempDir());
    expect(
      await purgeAuditBefore(h.db, { orgId: org.org.id, before: new Date(0), sink: anchor, key }),
    ).toEqual({
      orgId: org.org.id,
      purged: 0,
      cut: null,
      archive: null,
    });
    await expect(
      purgeAuditBefore(h.db, { orgId: org.org.id, before: new Date(), sink: null, key }),
    ).rejects.toThrow(/ELEVATE_AUDIT_ANCHOR/);
    await expect(
      purgeAuditBefore(h.db, { orgId: org.org.id, before: new Date(), sink: anchor, key: null }),
    ).rejects.toThrow(/signing key/);
  });
});
