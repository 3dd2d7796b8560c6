import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { gcpBindingExpression } from "@/lib/catalog/gcp-conditions";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { connectTarget } from "@/lib/targets";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { clearEnvVars, envVar, expiryOf, previewedRole, previewThenProvision, revoke } from "./wire-helpers";

// "Preview equals grant" on the wire (issue 14, point 1): the role and the binding condition Google
// receives are the ones the approver saw.
const PROJECT = "acme-wire-1";

let h: DbHandle;
let gcp: FakeGcp;
beforeAll(async () => {
  [h, gcp] = await Promise.all([openTestDb(), startFakeGcp()]);
});
afterAll(async () => Promise.all([h?.close(), gcp?.stop()]));
afterEach(() => clearEnvVars());

/** An org with a GCP target on the real adapter, pointed at the loopback fake, token from the environment. */
async function gcpOrg() {
  const org = await createTestOrg(h.db);
  const target = await connectTarget({
    ctx: await userCtx(h.db, org.users.admin),
    input: {
      name: "gcp-wire",
      cloud: "gcp",
      adapter: "gcp",
      externalId: PROJECT,
      settings: { endpoint: gcp.url, credentials: { type: "env-json", var: envVar("ya29.fake-token") } },
    },
  });
  return { org, target };
}

type Condition = { title?: string; expression?: string };
type Binding = { role?: string; members?: string[]; condition?: Condition };
type CreateBody = {
  roleId?: string;
  role?: { includedPermissions?: string[]; title?: string; stage?: string };
};

/** The grant's binding in every setIamPolicy body sent since `from` (one entry per body). */
function sentBindings(from: number, grantId: string): (Binding | undefined)[] {
  return gcp.calls
    .slice(from)
    .filter((c) => c.method === "POST" && c.path === `/v3/projects/${PROJECT}:setIamPolicy`)
    .map((c) => {
      const bindings = (c.body as { policy?: { bindings?: Binding[] } }).policy?.bindings ?? [];
      return bindings.find((b) => b.condition?.title === `elevate:${grantId}`);
    });
}

const roleCreates = (from: number) =>
  gcp.calls
    .slice(from)
    .filter((c) => c.method === "POST" && c.path === `/v1/projects/${PROJECT}/roles`)
    .map((c) => c.body as CreateBody);

const TIMESTAMP = /timestamp\('[^']*'\)/;

async function provisionAndCompare(org: SeededOrg, targetId: string, templateKey: string, resource: string) {
  const from = gcp.calls.length;
  const req = { targetId, templateKey, resource };
  const { preview, grantId, outcome, grant } = await previewThenProvision(h.db, org, req);
  expect(outcome).toMatchObject({ status: "active", lastError: null });
  const expiresAt = expiryOf(grant);

  // The role: exactly the previewed permissions (created now, or found made by an earlier equal grant).
  const doc = preview.document as { includedPermissions: string[]; title: string; stage: string };
  const creates = roleCreates(from);
  expect(creates.length).toBeGreaterThan(0);
  for (const body of creates) {
    expect(body.roleId).toBe(preview.roleName);
    expect(body.role).toMatchObject({ title: doc.title, stage: doc.stage });
    expect(body.role?.includedPermissions).toEqual(doc.includedPermissions);
  }
  const held = gcp.state.project(PROJECT).roles.get(preview.roleName);
  expect(held?.includedPermissions).toEqual(doc.includedPermissions);

  // The binding: the grant's expiry joined to the previewed resource condition, nothing else.
  const resourceCondition = preview.binding.resourceCondition;
  expect(resourceCondition).toBeTruthy();
  const expected = gcpBindingExpression(expiresAt, resourceCondition);
  expect(expected).toBe(`request.time < timestamp('${expiresAt.toISOString()}') && (${resourceCondition})`);
  const [bound] = sentBindings(from, grantId).filter((b) => b !== undefined);
  expect(bound).toMatchObject({
    role: `projects/${PROJECT}/roles/${preview.roleName}`,
    members: [`user:${org.users.requester.email}`],
  });
  expect(bound?.condition?.expression).toBe(expected);
  expect(bound?.condition?.title).toBe(preview.binding.condition?.title.replace("<grant id>", grantId));
  // The preview showed the same whole condition, at a provisional expiry.
  expect(preview.binding.condition?.expression.replace(TIMESTAMP, "T")).toBe(
    expected.replace(TIMESTAMP, "T"),
  );

  // Revoked: the last policy written no longer holds the grant's binding, and neither does the project.
  expect((await revoke(h.db, org.org.id, grantId)).status).toBe("revoked");
  expect(sentBindings(from, grantId).at(-1)).toBeUndefined();
  const left = gcp.state.project(PROJECT).bindings.filter((b) => b.condition?.title === `elevate:${grantId}`);
  expect(left).toEqual([]);
  return { preview, expected, expiresAt };
}

describe("GCP: the request preview is what IAM receives", () => {
  it("Read a bucket on orders-reports: role permissions and binding condition as previewed; revoke unbinds", async () => {
    const { org, target } = await gcpOrg();
    const { preview } = await provisionAndCompare(org, target.id, "bucket.read", "orders-reports");
    expect(preview.binding.resourceCondition).toContain("'projects/_/buckets/orders-reports'");
    expect(preview.binding.resourceCondition).toContain("'projects/_/buckets/orders-reports/objects/'");
  });

  it("Read a secret on orders-db-password: role permissions and binding condition as previewed; revoke unbinds", async () => {
    const { org, target } = await gcpOrg();
    const { preview } = await provisionAndCompare(org, target.id, "secrets.read", "orders-db-password");
    expect(preview.binding.resourceCondition).toContain("'/secrets/orders-db-password'");
  });

  it("negative control: the preview for a prefix sibling (orders-reports-archive) is not what was sent", async () => {
    const { org, target } = await gcpOrg();
    const { expected, expiresAt } = await provisionAndCompare(
      org,
      target.id,
      "bucket.read",
      "orders-reports",
    );
    const sibling = await previewedRole(h.db, org, {
      targetId: target.id,
      templateKey: "bucket.read",
      resource: "orders-reports-archive",
    });
    // Same shared role (content-addressed by permissions), but a different binding condition.
    expect(gcpBindingExpression(expiresAt, sibling.binding.resourceCondition)).not.toBe(expected);
    expect(sibling.binding.condition?.expression.replace(TIMESTAMP, "T")).not.toBe(
      expected.replace(TIMESTAMP, "T"),
    );
  });
});
