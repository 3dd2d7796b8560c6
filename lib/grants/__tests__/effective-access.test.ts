import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { effectiveAccess, effectiveAccessEvidence } from "../effective-access";
import { siblingOf } from "../effective-access-ids";
import { readEffectiveAccess } from "../effective-access-shape";
import { provisionGrant } from "../provision";
import { grantRow, PERMISSIONS, scheduledGrant } from "./fixtures";

const NOW = new Date("2026-12-02T10:00:00Z");
const NOT_AFTER = new Date("2026-12-02T11:00:00Z");
const at = { now: NOW, notAfter: NOT_AFTER };
const SUBSCRIPTION = "00000000-0000-4000-8000-000000000001";

describe("effectiveAccess", () => {
  it("AWS bucket: allowed on the bucket and its objects, denied on a prefix sibling and after expiry", () => {
    const spec = testRoleSpec({
      cloud: "aws",
      permissions: ["s3:GetObject", "s3:ListBucket"],
      resource: "orders-reports",
      resourceKind: "bucket",
      accountId: "111122223333",
    });
    const out = effectiveAccess(spec, at);
    expect(out).toMatchObject({
      evaluatedAt: NOW.toISOString(),
      evaluator: "elevate-iam-eval",
      notAfter: NOT_AFTER.toISOString(),
      permissions: 2,
      afterExpiry: "deny",
    });
    expect(out.checks).toEqual([
      {
        permission: "s3:GetObject",
        on: "arn:aws:s3:::orders-reports/example",
        decision: "allow",
        sibling: { on: "arn:aws:s3:::orders-reports-sibling/example", decision: "deny" },
      },
      {
        permission: "s3:ListBucket",
        on: "arn:aws:s3:::orders-reports",
        decision: "allow",
        sibling: { on: "arn:aws:s3:::orders-reports-sibling", decision: "deny" },
      },
    ]);
  });

  it("AWS: an action that supports only * is shown on any resource; a region condition is honoured", () => {
    const spec = testRoleSpec({
      cloud: "aws",
      permissions: ["secretsmanager:GetSecretValue", "secretsmanager:ListSecrets"],
      resource: "prod/orders/db-password",
      resourceKind: "secret",
      accountId: "111122223333",
      regions: ["eu-west-1"],
    });
    const [get, list] = effectiveAccess(spec, at).checks;
    // Six characters stand for the random suffix, so the sibling cannot match "-??????".
    expect(get).toEqual({
      permission: "secretsmanager:GetSecretValue",
      on: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/orders/db-password-xxxxxx",
      decision: "allow",
      sibling: {
        on: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/orders/db-password-sibling-xxxxxx",
        decision: "deny",
      },
    });
    expect(list).toEqual({ permission: "secretsmanager:ListSecrets", on: "*", decision: "allow" });
  });

  it("AWS without a resource: allowed on any resource until the expiry Deny", () => {
    const spec = testRoleSpec({
      cloud: "aws",
      permissions: PERMISSIONS,
      resource: null,
      accountId: "111122223333",
    });
    const out = effectiveAccess(spec, at);
    expect(out.checks.map((c) => [c.on, c.decision, c.sibling])).toEqual([
      ["*", "allow", undefined],
      ["*", "allow", undefined],
    ]);
    expect(out.afterExpiry).toBe("deny");
  });

  it("GCP bucket: the binding condition narrows to the bucket and its objects; lists stay on the bucket", () => {
    const spec = testRoleSpec({
      cloud: "gcp",
      permissions: ["storage.objects.get", "storage.objects.list"],
      resource: "orders-reports",
      resourceKind: "bucket",
      accountId: "elevate-demo-prod",
    });
    const out = effectiveAccess(spec, at);
    expect(out.afterExpiry).toBe("deny");
    expect(out.checks).toEqual([
      {
        permission: "storage.objects.get",
        on: "projects/_/buckets/orders-reports/objects/example",
        decision: "allow",
        sibling: { on: "projects/_/buckets/orders-reports-sibling/objects/example", decision: "deny" },
      },
      {
        permission: "storage.objects.list",
        on: "projects/_/buckets/orders-reports",
        decision: "allow",
        sibling: { on: "projects/_/buckets/orders-reports-sibling", decision: "deny" },
      },
    ]);
  });

  it("GCP: a project-wide permission is shown on the project, without a sibling", () => {
    const spec = testRoleSpec({
      cloud: "gcp",
      permissions: ["compute.instances.get", "compute.instances.list"],
      resource: "us-central1-a/vm-42",
      resourceKind: "instance",
      accountId: "elevate-demo-prod",
    });
    const [get, list] = effectiveAccess(spec, at).checks;
    expect(get).toMatchObject({
      on: "projects/elevate-demo-prod/zones/us-central1-a/instances/vm-42",
      decision: "allow",
      sibling: {
        on: "projects/elevate-demo-prod/zones/us-central1-a/instances/vm-42-sibling",
        decision: "deny",
      },
    });
    expect(list).toEqual({
      permission: "compute.instances.list",
      on: "projects/elevate-demo-prod",
      decision: "allow",
    });
  });

  it("Azure container: allowed at the container scope (data and control plane), denied on a sibling", () => {
    const spec = testRoleSpec({
      cloud: "azure",
      permissions: [
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        "Microsoft.Storage/storageAccounts/blobServices/containers/read",
      ],
      resource: "rg-data/ordersacct/reports",
      resourceKind: "bucket",
      accountId: SUBSCRIPTION,
    });
    const scope = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/ordersacct/blobServices/default/containers/reports`;
    const out = effectiveAccess(spec, at);
    expect(out.afterExpiry).toBe("deny");
    for (const c of out.checks)
      expect(c).toMatchObject({
        on: scope,
        decision: "allow",
        sibling: { on: `${scope}-sibling`, decision: "deny" },
      });
  });

  it("lists at most 50 permissions and counts them all", () => {
    const permissions = Array.from({ length: 60 }, (_, i) => `Microsoft.Storage/storageAccounts/x${i}/read`);
    const spec = testRoleSpec({
      cloud: "aws",
      permissions: PERMISSIONS,
      resource: null,
      accountId: "111122223333",
    });
    const out = effectiveAccess({ ...spec, cloud: "azure", permissions, document: {}, binding: {} }, at);
    expect(out.permissions).toBe(60);
    expect(out.checks).toHaveLength(50);
    // A document the evaluator cannot read denies rather than throws.
    expect(out.checks.every((c) => c.decision === "deny")).toBe(true);
  });

  it("never throws at activation: an unreadable spec becomes an error", () => {
    const spec = testRoleSpec({
      cloud: "gcp",
      permissions: ["storage.objects.get"],
      resource: null,
      accountId: "elevate-demo-prod",
    });
    expect(effectiveAccessEvidence(spec, { now: NOW, notAfter: new Date(Number.NaN) })).toEqual({
      error: expect.stringContaining("not a valid time"),
    });
    expect(readEffectiveAccess({ error: "x" })).toBeNull();
  });

  it("siblingOf suffixes whole names only", () => {
    expect(siblingOf("arn:aws:s3:::orders/example", "orders")).toBe("arn:aws:s3:::orders-sibling/example");
    expect(siblingOf("arn:aws:s3:::myorders", "orders")).toBeNull();
    expect(siblingOf("log-group:/a/b:*", "/a/b")).toBe("log-group:/a/b-sibling:*");
  });
});

describe("provisioning stores the effective access", () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await openTestDb();
  });
  afterAll(async () => h?.close());

  it("keeps evidence.provision.effective for the sandbox grant", async () => {
    const org = await createTestOrg(h.db);
    const { grant, ctx } = await scheduledGrant(h.db, org, { durationSeconds: 600 });
    expect((await provisionGrant({ ctx, input: { grantId: grant.id } })).status).toBe("active");
    const row = await grantRow(h.db, grant.id);
    const effective = readEffectiveAccess(row.evidence.provision?.effective);
    expect(effective).toMatchObject({
      evaluator: "elevate-iam-eval",
      notAfter: row.expiresAt!.toISOString(),
      permissions: PERMISSIONS.length,
      afterExpiry: "deny",
    });
    expect(effective!.checks.map((c) => [c.permission, c.decision])).toEqual(
      [...PERMISSIONS].sort().map((p) => [p, "allow"]),
    );
  });
});
