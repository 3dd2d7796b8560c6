import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "@/db/client";
import { auditEvents, grants } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { env } from "@/lib/env";
import { scheduledGrant } from "@/lib/grants/__tests__/fixtures";
import { provisionGrant } from "@/lib/grants/provision";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { createInlineDriver } from "../inline";
import { createRevocationLane } from "../revocation-lane";
import { startRevocationThread } from "../revocation-thread";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const url = env().DATABASE_URL;

async function expiredGrants(org: SeededOrg, n: number): Promise<string[]> {
  const ids: string[] = [];
  const clouds = ["aws", "gcp", "azure"] as const;
  for (let i = 0; i < n; i++) {
    const s = await scheduledGrant(h.db, org, { cloud: clouds[i % 3] });
    await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    ids.push(s.grant.id);
  }
  await h.db
    .update(grants)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(inArray(grants.id, ids));
  return ids;
}

/** Polls until every grant left `active`/`revoking` (a liveness wait: the assertions are on the outcome). */
async function settled(ids: string[]) {
  const until = Date.now() + 30_000;
  for (;;) {
    const rows = await h.db
      .select({ status: grants.status })
      .from(grants)
      .where(and(inArray(grants.id, ids), inArray(grants.status, ["active", "revoking"])));
    if (rows.length === 0 || Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function revokedCounts(orgId: string) {
  const rows = await h.db
    .select({ subjectId: auditEvents.subjectId })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, "grant.revoked")));
  const per = new Map<string, number>();
  for (const r of rows) per.set(r.subjectId, (per.get(r.subjectId) ?? 0) + 1);
  return per;
}

describe("revocation lane", () => {
  it("two drivers on one database (two pools on Postgres) revoke every expiry exactly once", async () => {
    const org = await createTestOrg(h.db);
    const ids = await expiredGrants(org, 24);
    const second = url ? await openDb({ url }) : h;
    const drivers = [h, second].map((x) =>
      createInlineDriver({ db: x.db, reconcileIntervalMs: 60_000, reconcile: { orgId: org.org.id } }),
    );
    try {
      for (const d of drivers) d.start();
      await settled(ids);
      await Promise.all(drivers.map((d) => d.idle()));
    } finally {
      await Promise.all(drivers.map((d) => d.stop()));
      if (second !== h) await second.close();
    }
    const rows = await h.db.select({ status: grants.status }).from(grants).where(inArray(grants.id, ids));
    expect(rows.every((r) => r.status === "revoked")).toBe(true);
    const per = await revokedCounts(org.org.id);
    expect(per.size).toBe(24);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
  });

  it("an in-thread lane armed by hand revokes at the timer, and says when it is busy", async () => {
    const org = await createTestOrg(h.db);
    const [id] = await expiredGrants(org, 1);
    const seen: boolean[] = [];
    const lane = createRevocationLane({
      db: h.db,
      scanIntervalMs: 60_000,
      orgId: org.org.id,
      onBusy: (b) => seen.push(b),
    });
    lane.arm(org.org.id, id, new Date(Date.now() - 1));
    await settled([id]);
    await lane.idle();
    await lane.stop();
    expect((await h.db.select().from(grants).where(eq(grants.id, id)))[0].status).toBe("revoked");
    expect(seen).toEqual([true, false]);
  });

  it.runIf(url)(
    "the lane on its own thread (own pool) finds expired grants by its scan and revokes them",
    async () => {
      const org = await createTestOrg(h.db);
      const ids = await expiredGrants(org, 6);
      const lane = startRevocationThread({
        url: url!,
        scanIntervalMs: 60_000,
        orgId: org.org.id,
        fallback: () => {
          throw new Error("the thread should not fail");
        },
      });
      try {
        lane.start();
        await settled(ids);
        await lane.idle();
      } finally {
        await lane.stop();
      }
      const per = await revokedCounts(org.org.id);
      expect(per.size).toBe(6);
      expect([...per.values()].every((n) => n === 1)).toBe(true);
    },
  );

  it.runIf(url)(
    "a stopped thread answers idle at once (the driver's stop asks for idle after stopping the lane)",
    async () => {
      const lane = startRevocationThread({
        url: url!,
        scanIntervalMs: 60_000,
        orgId: randomUUID(),
        fallback: () => {
          throw new Error("the thread should not fail");
        },
      });
      await lane.stop();
      // Hung for ever before: the terminated thread could not answer, and its exit was ignored while stopping.
      await expect(lane.idle()).resolves.toBeUndefined();
      await expect(lane.stop()).resolves.toBeUndefined();
    },
  );
});
