import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { sandboxRoles, targets } from "@/db/schema";
import { adapterContract } from "@/lib/clouds/contract";
import { CloudError } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { testRoleSpec } from "@/lib/testing/role-spec";
import {
  clearSandboxFaults,
  injectSandboxFault,
  isAllowed,
  SANDBOX_ROLE_QUOTA,
  sandboxAdapter,
} from "../index";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => clearSandboxFaults());

for (const cloud of ["aws", "gcp", "azure", "okta"] as const) {
  adapterContract(`sandbox (${cloud})`, async () => {
    const org = await createTestOrg(h.db);
    return {
      adapter: sandboxAdapter(h.db),
      target: org.targets[cloud],
      principal: org.users.requester.email,
    };
  });
}

async function setup(
  cloud: "aws" | "gcp" | "azure" = "aws",
  permissions = ["s3:GetObject", "s3:ListBucket"],
) {
  const org = await createTestOrg(h.db);
  const target = org.targets[cloud];
  const spec = testRoleSpec({ cloud, permissions, resource: null, accountId: target.externalId });
  return { org, target, spec, adapter: sandboxAdapter(h.db), principal: org.users.requester.email };
}

describe("sandbox adapter", () => {
  it("returns sbx- request ids and shows the cloud-native binding document with its expiry", async () => {
    const { org, target, spec, adapter, principal } = await setup();
    const role = await adapter.ensureRole(target, spec);
    expect(role.requestIds[0]).toMatch(/^sbx-[0-9a-f-]{36}$/);
    const notAfter = new Date(Date.now() + 60_000);
    const grantId = randomUUID();
    const bound = await adapter.bind(target, {
      grantId,
      orgId: org.org.id,
      roleName: spec.roleName,
      principal,
      notAfter,
    });
    const seen = await adapter.inspect(target, bound.bindingId);
    expect(seen.notAfter).toBe(notAfter.toISOString());
    expect(seen.raw?.tags).toEqual({
      "elevate:grant": grantId,
      "elevate:org": org.org.id,
      "elevate:managed": "true",
    });
    expect(seen.raw?.document).toMatchObject({
      Condition: { DateLessThan: { "aws:CurrentTime": notAfter.toISOString() } },
    });
  });

  it("keeps the first document on ensureRole and refuses to bind a role that does not exist", async () => {
    const { org, target, spec, adapter, principal } = await setup();
    await adapter.ensureRole(target, spec);
    await adapter.ensureRole(target, { ...spec, document: { changed: true } });
    const [row] = await h.db.select().from(sandboxRoles).where(eqTarget(target.id));
    expect(row.document).toEqual(spec.document);
    const bind = adapter.bind(target, {
      grantId: randomUUID(),
      orgId: org.org.id,
      roleName: "elevate_missing",
      principal,
      notAfter: new Date(Date.now() + 1000),
    });
    await expect(bind).rejects.toMatchObject({ kind: "not_found" });
  });

  it("enforces a quota of 300 roles per target as a permanent LimitExceeded error", async () => {
    const { target, spec, adapter } = await setup("gcp", ["compute.instances.get"]);
    await adapter.ensureRole(target, spec);
    await h.db.insert(sandboxRoles).values(
      Array.from({ length: SANDBOX_ROLE_QUOTA - 1 }, (_, i) => ({
        targetId: target.id,
        roleName: `filler_${i}`,
        document: {},
      })),
    );
    const more = testRoleSpec({
      cloud: "gcp",
      permissions: ["compute.instances.list"],
      resource: null,
      accountId: "elevate-demo",
    });
    const err = await adapter.ensureRole(target, more).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({ kind: "permanent", message: expect.stringContaining("LimitExceeded") });
    // An existing role is still "ensured" at the quota: idempotency does not depend on room.
    await expect(adapter.ensureRole(target, spec)).resolves.toMatchObject({ roleName: spec.roleName });
  });

  it("isAllowed honors the binding's notAfter, the permission set and the principal", async () => {
    const { org, target, spec, adapter, principal } = await setup();
    await adapter.ensureRole(target, spec);
    const notAfter = new Date(Date.now() + 60_000);
    await adapter.bind(target, {
      grantId: randomUUID(),
      orgId: org.org.id,
      roleName: spec.roleName,
      principal,
      notAfter,
    });
    const now = new Date();
    expect(await isAllowed(h.db, target.id, principal, "s3:GetObject", now)).toBe(true);
    expect(await isAllowed(h.db, target.id, principal, "s3:getobject", now)).toBe(true);
    expect(await isAllowed(h.db, target.id, principal, "s3:PutObject", now)).toBe(false);
    expect(await isAllowed(h.db, target.id, org.users.approver.email, "s3:GetObject", now)).toBe(false);
    expect(
      await isAllowed(h.db, target.id, principal, "s3:GetObject", new Date(notAfter.getTime() - 1)),
    ).toBe(true);
    // The cloud denies at and after the expiry even if nobody revoked anything.
    expect(await isAllowed(h.db, target.id, principal, "s3:GetObject", notAfter)).toBe(false);
  });

  it("matches AWS wildcards, GCP and Azure documents", async () => {
    const aws = await setup("aws", ["s3:Get*"]);
    const gcp = await setup("gcp", ["compute.instances.get"]);
    const az = await setup("azure", ["Microsoft.Compute/virtualMachines/read"]);
    const later = new Date(Date.now() + 60_000);
    for (const s of [aws, gcp, az]) {
      await s.adapter.ensureRole(s.target, s.spec);
      await s.adapter.bind(s.target, {
        grantId: randomUUID(),
        orgId: s.org.org.id,
        roleName: s.spec.roleName,
        principal: s.principal,
        notAfter: later,
      });
    }
    const now = new Date();
    expect(await isAllowed(h.db, aws.target.id, aws.principal, "s3:GetObjectAcl", now)).toBe(true);
    expect(await isAllowed(h.db, aws.target.id, aws.principal, "s3:PutObject", now)).toBe(false);
    expect(await isAllowed(h.db, gcp.target.id, gcp.principal, "compute.instances.get", now)).toBe(true);
    expect(await isAllowed(h.db, gcp.target.id, gcp.principal, "compute.instances.delete", now)).toBe(false);
    expect(
      await isAllowed(h.db, az.target.id, az.principal, "Microsoft.Compute/virtualMachines/read", now),
    ).toBe(true);
  });

  it("applies the target's propagation delay before a new binding is usable", async () => {
    const { org, target, spec, principal } = await setup();
    await h.db
      .update(targets)
      .set({ settings: { propagationDelayMs: 120_000 } })
      .where(eqId(target.id));
    const adapter = sandboxAdapter(h.db);
    await adapter.ensureRole(target, spec);
    const notAfter = new Date(Date.now() + 3600_000);
    await adapter.bind(target, {
      grantId: randomUUID(),
      orgId: org.org.id,
      roleName: spec.roleName,
      principal,
      notAfter,
    });
    expect(await isAllowed(h.db, target.id, principal, "s3:GetObject", new Date())).toBe(false);
    expect(await isAllowed(h.db, target.id, principal, "s3:GetObject", new Date(Date.now() + 121_000))).toBe(
      true,
    );
  });

  it("injects classified faults a given number of times, before or after applying the change", async () => {
    const { org, target, spec, adapter, principal } = await setup();
    injectSandboxFault(target.id, { op: "ensureRole", kind: "throttled", times: 1, retryAfterMs: 1500 });
    await expect(adapter.ensureRole(target, spec)).rejects.toMatchObject({
      kind: "throttled",
      retryAfterMs: 1500,
    });
    await adapter.ensureRole(target, spec);
    injectSandboxFault(target.id, { op: "bind", kind: "retryable", times: 1, applied: true });
    const b = {
      grantId: randomUUID(),
      orgId: org.org.id,
      roleName: spec.roleName,
      principal,
      notAfter: new Date(Date.now() + 9e5),
    };
    await expect(adapter.bind(target, b)).rejects.toMatchObject({ kind: "retryable" });
    // The timeout hid a change that did happen, as a real cloud's can.
    expect((await adapter.inspect(target, `elevate-${b.grantId}`)).present).toBe(true);
    // Faults are per target: another target is unaffected.
    injectSandboxFault(target.id, { op: "inspect", kind: "permanent", times: 2 });
    const other = (await setup()).target;
    await expect(adapter.inspect(other, "elevate-x")).resolves.toMatchObject({ present: false });
  });

  it("refuses to delete a role that is still bound (DeleteConflict)", async () => {
    const { org, target, spec, adapter, principal } = await setup();
    await adapter.ensureRole(target, spec);
    await adapter.bind(target, {
      grantId: randomUUID(),
      orgId: org.org.id,
      roleName: spec.roleName,
      principal,
      notAfter: new Date(Date.now() + 1000),
    });
    await expect(adapter.deleteRole(target, spec.roleName)).rejects.toMatchObject({ kind: "permanent" });
  });
});

describe("adapterFor", () => {
  it("serves sandbox targets and fails permanently, with a clear message, for settings a cloud adapter cannot use", async () => {
    const { target } = await setup();
    expect(adapterFor(h.db, target).kind).toBe("sandbox");
    const attempt = () => adapterFor(h.db, { ...target, adapter: "gcp" });
    expect(attempt).toThrow(CloudError);
    expect(attempt).toThrow(/settings do not suit the gcp adapter \(settings\.credentials/);
  });
});

function eqTarget(targetId: string) {
  return eq(sandboxRoles.targetId, targetId);
}
function eqId(id: string) {
  return eq(targets.id, id);
}
