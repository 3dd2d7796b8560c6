import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { type AdapterKind, type Cloud, cloudRoles, targets } from "@/db/schema";
import { systemCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { roleIsCounted, targetCapacity } from "../usage";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const DAY = 86_400_000;

/** A target on a real adapter (no cloud is called: only the database is read). */
async function targetOn(orgId: string, adapter: AdapterKind & Cloud, externalId: string) {
  const [t] = await h.db
    .insert(targets)
    .values({ orgId, name: `${adapter}-${externalId}`, cloud: adapter, adapter, externalId, settings: {} })
    .returning();
  return t;
}

async function role(
  orgId: string,
  targetId: string,
  permission: string,
  row: { status?: "active" | "deleted"; deletedAt?: Date; parts?: number; refCount?: number } = {},
) {
  const spec = testRoleSpec({
    cloud: "aws",
    permissions: [permission],
    resource: null,
    accountId: "123456789012",
  });
  const parts = row.parts ? Array.from({ length: row.parts }, () => ({})) : undefined;
  const [r] = await h.db
    .insert(cloudRoles)
    .values({
      orgId,
      targetId,
      hash: spec.hash,
      roleName: spec.roleName,
      spec: { ...spec, ...(parts ? { parts } : {}) },
      status: row.status ?? "active",
      deletedAt: row.deletedAt ?? null,
      refCount: row.refCount ?? 1,
    })
    .returning();
  return r;
}

describe("targetCapacity", () => {
  it("counts GCP roles deleted in the last 7 days, and says when the oldest stops counting", async () => {
    const org = await createTestOrg(h.db);
    const t = await targetOn(org.org.id, "gcp", "capacity-proj");
    const now = new Date();
    await role(org.org.id, t.id, "s3:GetObject");
    await role(org.org.id, t.id, "s3:ListBucket", { refCount: 0 });
    const recent = await role(org.org.id, t.id, "s3:PutObject", {
      status: "deleted",
      deletedAt: new Date(now.getTime() - 3 * DAY),
    });
    const old = await role(org.org.id, t.id, "s3:DeleteObject", {
      status: "deleted",
      deletedAt: new Date(now.getTime() - 8 * DAY),
    });
    const u = await targetCapacity(systemCtx(h.db, org.org.id), t.id, now);
    expect(u.roles).toEqual({
      used: 3,
      limit: 300,
      unused: 1,
      recentlyDeleted: 1,
      nextFreeAt: new Date(now.getTime() + 4 * DAY).toISOString(),
      what: "custom roles per project",
    });
    expect(u.bindings).toBeNull();
    // A role deleted 3 days ago is undeleted, not re-created: it needs no new slot.
    expect(await roleIsCounted(h.db, t, recent.hash, now)).toBe(true);
    expect(await roleIsCounted(h.db, t, old.hash, now)).toBe(false);
  });

  it("counts each managed policy of a split AWS set, frees deleted ones at once, and counts live grants", async () => {
    const org = await createTestOrg(h.db);
    const t = await targetOn(org.org.id, "aws", "123456789012");
    await role(org.org.id, t.id, "s3:GetObject", { parts: 3 });
    await role(org.org.id, t.id, "s3:ListBucket");
    await role(org.org.id, t.id, "s3:PutObject", { status: "deleted", deletedAt: new Date() });
    const u = await targetCapacity(systemCtx(h.db, org.org.id), t.id);
    expect(u.roles).toMatchObject({ used: 4, limit: 1500, recentlyDeleted: 0, nextFreeAt: null });
    expect(u.bindings).toEqual({ used: 0, limit: 1000, what: "IAM roles per account (one per grant)" });
  });

  it("answers NotFound for another org's target", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    await expect(targetCapacity(systemCtx(h.db, other.org.id), org.targets.aws.id)).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
