import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessRequests, grants, policies, targets } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { type FakeIam, startFakeIam } from "@/lib/clouds/fakes/aws-iam";
import { adapterFor } from "@/lib/clouds/registry";
import { executeRevocation, provisionGrant } from "@/lib/grants";
import { removeDrift } from "@/lib/grants/reconcile-drift";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { connectTarget, listDrift, type TargetDetailDto } from "..";

const ACCOUNT = "123456789012";
const KEY_ID = "AKIAELEVATETEST00002";
const KEY_VAR = "ELEVATE_TEST_LIFECYCLE_KEY_ID";
const SECRET_VAR = "ELEVATE_TEST_LIFECYCLE_SECRET";

let h: DbHandle;
let iam: FakeIam;
beforeAll(async () => {
  [h, iam] = await Promise.all([openTestDb(), startFakeIam({ accountId: ACCOUNT, accessKeyId: KEY_ID })]);
  process.env[KEY_VAR] = KEY_ID;
  process.env[SECRET_VAR] = "not-a-real-secret";
});
afterAll(async () => {
  delete process.env[KEY_VAR];
  delete process.env[SECRET_VAR];
  await Promise.all([h?.close(), iam?.stop()]);
});
afterEach(() => iam.clearFaults());

async function awsFakeTarget() {
  const org = await createTestOrg(h.db);
  const admin = await userCtx(h.db, org.users.admin);
  const target = await connectTarget({
    ctx: admin,
    input: {
      name: "aws-fake",
      cloud: "aws",
      adapter: "aws",
      externalId: ACCOUNT,
      settings: {
        endpoint: iam.url,
        credentials: { type: "env", accessKeyIdVar: KEY_VAR, secretAccessKeyVar: SECRET_VAR },
      },
    },
  });
  return { org, admin, target };
}

/** An approved request with one scheduled grant on `target`, as decideRequest leaves it. */
async function scheduledGrant(org: SeededOrg, target: TargetDetailDto) {
  const user = org.users.requester;
  const [policy] = await h.db.select().from(policies).where(eq(policies.orgId, org.org.id));
  const [request] = await h.db
    .insert(accessRequests)
    .values({
      orgId: org.org.id,
      requesterId: user.id,
      targetId: target.id,
      templateId: org.templates[0].id,
      durationSeconds: 1800,
      justification: "prove the registry wiring",
      status: "approved",
      policyId: policy.id,
      approvalsRequired: 1,
      approverGroup: "approvers",
    })
    .returning();
  const roleSpec = testRoleSpec({
    cloud: "aws",
    permissions: ["logs:GetLogEvents", "logs:DescribeLogGroups"],
    resource: null,
    accountId: ACCOUNT,
  });
  const [grant] = await h.db
    .insert(grants)
    .values({
      orgId: org.org.id,
      requestId: request.id,
      targetId: target.id,
      userId: user.id,
      roleSpec,
      durationSeconds: 1800,
    })
    .returning();
  return grant;
}

describe("an AWS target connected through the UI's verb, provisioned through the real IAM SDK", () => {
  it("grants (IAM request ids as evidence), revokes, and leaves nothing in the fake", async () => {
    const { org, target } = await awsFakeTarget();
    const grant = await scheduledGrant(org, target);
    const ctx = systemCtx(h.db, org.org.id);
    const before = iam.state.calls.length;

    const active = await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect(active.status).toBe("active");
    const [row] = await h.db.select().from(grants).where(eq(grants.id, grant.id));
    const fakeIds = new Set(iam.state.calls.slice(before).map((c) => c.requestId));
    expect(row.evidence.provision?.requestIds.length).toBeGreaterThan(0);
    for (const id of row.evidence.provision?.requestIds ?? []) expect(fakeIds.has(id)).toBe(true);
    const role = iam.state.roles.get(`elevate-${grant.id}`);
    expect(role?.path).toBe(`/elevate/${org.org.id}/`);
    expect(role?.attached).toHaveLength(1);

    const revoked = await executeRevocation({ ctx, input: { grantId: grant.id, reason: "done" } });
    expect(revoked.status).toBe("revoked");
    expect(iam.state.roles.has(`elevate-${grant.id}`)).toBe(false);
    const [after] = await h.db.select().from(grants).where(eq(grants.id, grant.id));
    expect(after.evidence.removal?.requestIds.length).toBeGreaterThan(0);
  });
});

describe("listDrift", () => {
  it("lists what the reconciler removed and what it could not (once per streak), per target", async () => {
    const { org, admin, target } = await awsFakeTarget();
    const [stored] = await h.db.select().from(targets).where(eq(targets.id, target.id));
    const adapter = adapterFor(h.db, stored);
    // A binding no grant explains (e.g. a crash between the cloud call and the commit).
    const spec = testRoleSpec({
      cloud: "aws",
      permissions: ["logs:GetLogEvents"],
      resource: null,
      accountId: ACCOUNT,
    });
    await adapter.ensureRole(stored, spec);
    const orphan = randomUUID();
    await adapter.bind(stored, {
      grantId: orphan,
      orgId: org.org.id,
      roleName: spec.roleName,
      principal: "someone",
      notAfter: new Date(Date.now() + 600_000),
    });

    iam.injectFault({ action: "PutRolePolicy", code: "AccessDenied", status: 403, times: 1_000 });
    expect(await removeDrift(h.db, org.org.id)).toEqual({ removed: 0, failed: 1 });
    expect(await removeDrift(h.db, org.org.id)).toEqual({ removed: 0, failed: 1 });
    const failing = await listDrift({ ctx: admin, input: { targetId: target.id } });
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({
      outcome: "failed",
      bindingId: `elevate-${orphan}`,
      grantId: orphan,
      targetName: "aws-fake",
      error: expect.stringContaining("AccessDenied"),
      resolved: false,
    });

    iam.clearFaults();
    expect(await removeDrift(h.db, org.org.id)).toEqual({ removed: 1, failed: 0 });
    const drift = await listDrift({ ctx: admin, input: { targetId: target.id } });
    expect(drift.map((d) => [d.outcome, d.resolved])).toEqual([
      ["removed", false],
      ["failed", true],
    ]);
    expect(drift[0].requestIds.length).toBeGreaterThan(0);
    expect(iam.state.roles.has(`elevate-${orphan}`)).toBe(false);

    // Tenancy and permission.
    const other = await createTestOrg(h.db);
    const otherAdmin = await userCtx(h.db, other.users.admin);
    await expect(listDrift({ ctx: otherAdmin, input: { targetId: target.id } })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await listDrift({ ctx: otherAdmin })).toEqual([]);
    const requester = await userCtx(h.db, org.users.requester);
    await expect(listDrift({ ctx: requester })).rejects.toMatchObject({ code: "forbidden" });
  });
});
