import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "@/db/client";
import { auditEvents, grants } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { isAllowed } from "@/lib/clouds/sandbox";
import { env } from "@/lib/env";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { provisionGrant } from "../provision";
import { revokeExpiredBatch } from "../revoke-batch";
import { bindingsOf, grantRow, scheduledGrant } from "./fixtures";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

/** `n` active grants spread over the org's three targets, their expiry moved to the past (bench-style). */
async function expiredGrants(org: SeededOrg, n: number) {
  const clouds = ["aws", "gcp", "azure"] as const;
  const out: { grantId: string; orgId: string; targetId: string; principal: string }[] = [];
  for (let i = 0; i < n; i++) {
    const s = await scheduledGrant(h.db, org, { cloud: clouds[i % 3] });
    expect((await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } })).status).toBe("active");
    out.push({ grantId: s.grant.id, orgId: org.org.id, targetId: s.target.id, principal: s.principal });
  }
  await h.db
    .update(grants)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(
      inArray(
        grants.id,
        out.map((g) => g.grantId),
      ),
    );
  return out;
}

async function revokedEvents(orgId: string) {
  return h.db
    .select({ subjectId: auditEvents.subjectId, data: auditEvents.data, actorId: auditEvents.actorId })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, "grant.revoked")));
}

describe("revokeExpiredBatch", () => {
  it("revokes a batch over three targets once each, with evidence, the instance named in the audit", async () => {
    const org = await createTestOrg(h.db);
    const due = await expiredGrants(org, 6);
    const r = await revokeExpiredBatch({ db: h.db, due, concurrency: 2 });
    expect(r).toMatchObject({ revoked: 6, failed: 0, later: [], skipped: 0 });
    for (const g of due) {
      const row = await grantRow(h.db, g.grantId);
      expect(row.status).toBe("revoked");
      expect(row.revokeReason).toBe("expired");
      expect(row.evidence.removal).toMatchObject({ inspected: { present: false } });
      expect(await bindingsOf(h.db, g.targetId)).toHaveLength(0);
    }
    const events = await revokedEvents(org.org.id);
    expect(events.map((e) => e.subjectId).sort()).toEqual(due.map((g) => g.grantId).sort());
    expect(events.every((e) => e.actorId === "revocation-lane" && typeof e.data.instance === "string")).toBe(
      true,
    );
    const g = due[0];
    expect(await isAllowed(h.db, g.targetId, g.principal, "s3:GetObject", new Date())).toBe(false);

    // A second run of the same batch finds nothing to claim.
    expect(await revokeExpiredBatch({ db: h.db, due })).toMatchObject({ revoked: 0, skipped: 6 });
    expect(await revokedEvents(org.org.id)).toHaveLength(6);
  });

  it("leaves a grant that is not due yet, and hands back its expiry to be armed again", async () => {
    const org = await createTestOrg(h.db);
    const s = await scheduledGrant(h.db, org);
    await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    const { expiresAt } = await grantRow(h.db, s.grant.id);
    const r = await revokeExpiredBatch({ db: h.db, due: [{ grantId: s.grant.id, orgId: org.org.id }] });
    expect(r).toMatchObject({ revoked: 0, later: [{ grantId: s.grant.id, expiresAt }] });
    expect((await grantRow(h.db, s.grant.id)).status).toBe("active");
  });

  it("two batches over the same grants at once (two connections on Postgres) revoke each exactly once", async () => {
    const org = await createTestOrg(h.db);
    const due = await expiredGrants(org, 9);
    const other = env().DATABASE_URL ? await openDb({ url: env().DATABASE_URL }) : h;
    try {
      const [a, b] = await Promise.all([
        revokeExpiredBatch({ db: h.db, due }),
        revokeExpiredBatch({ db: other.db, due: [...due].reverse() }),
      ]);
      expect(a.revoked + b.revoked).toBe(9);
      expect(a.failed + b.failed).toBe(0);
    } finally {
      if (other !== h) await other.close();
    }
    const events = await revokedEvents(org.org.id);
    expect(events).toHaveLength(9);
    expect(new Set(events.map((e) => e.subjectId)).size).toBe(9);
  });
});
