import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { grants } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { executeRevocation, type GrantOutcome, provisionGrant } from "@/lib/grants";
import { decideRequest, submitRequest } from "@/lib/requests";
import { previewRequest } from "@/lib/requests/preview";
import type { RolePreview } from "@/lib/requests/role-preview";
import { connectTarget } from "@/lib/targets";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg } from "@/lib/testing/db";

/** Environment variables a test file set, so it can clear exactly those afterwards. */
const setVars: string[] = [];

/** A fresh variable name holding `value`: targets name secrets by variable, never hold them. */
export function envVar(value: string): string {
  const name = `ELEVATE_TEST_WIRE_${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`;
  setVars.push(name);
  process.env[name] = value;
  return name;
}

export function clearEnvVars(): void {
  for (const v of setVars.splice(0)) delete process.env[v];
}

export type WireRequest = {
  targetId: string;
  templateKey: string;
  resource: string;
  durationMinutes?: number;
};

/** The preview's role for a request, as the requester's form shows it before submitting. */
export async function previewedRole(db: Db, org: SeededOrg, r: WireRequest): Promise<RolePreview> {
  const preview = await previewRequest({
    ctx: await userCtx(db, org.users.requester),
    input: {
      targetId: r.targetId,
      templateId: org.template(r.templateKey).id,
      resource: r.resource,
      durationMinutes: r.durationMinutes ?? 60,
    },
  });
  if (preview.roles.length !== 1) throw new Error(`expected one previewed role, got ${preview.roles.length}`);
  return preview.roles[0];
}

/**
 * Preview, submit the same input, approve as the approver persona, then provision the scheduled grant
 * through the system verb: the whole path a real request takes to the cloud.
 */
export async function previewThenProvision(db: Db, org: SeededOrg, r: WireRequest) {
  const preview = await previewedRole(db, org, r);
  const submitted = await submitRequest({
    ctx: await userCtx(db, org.users.requester),
    input: {
      targetId: r.targetId,
      templateId: org.template(r.templateKey).id,
      resource: r.resource,
      durationMinutes: r.durationMinutes ?? 60,
      justification: "prove preview equals grant on the wire",
    },
  });
  const decided = await decideRequest({
    ctx: await userCtx(db, org.users.approver),
    input: { requestId: submitted.id, verdict: "approve" },
  });
  if (decided.grants.length !== 1) throw new Error(`expected one grant, got ${decided.grants.length}`);
  const grantId = decided.grants[0].id;
  const outcome = await provisionGrant({ ctx: systemCtx(db, org.org.id), input: { grantId } });
  return { preview, grantId, outcome, grant: await grantRow(db, org.org.id, grantId) };
}

export async function grantRow(db: Db, orgId: string, grantId: string) {
  const [row] = await db
    .select()
    .from(grants)
    .where(and(eq(grants.id, grantId), eq(grants.orgId, orgId)));
  return row;
}

export function revoke(db: Db, orgId: string, grantId: string): Promise<GrantOutcome> {
  return executeRevocation({ ctx: systemCtx(db, orgId), input: { grantId, reason: "wire test done" } });
}

/** The grant's expiry as provisioning recorded it (equal to what the cloud was told), or a clear failure. */
export function expiryOf(row: { expiresAt: Date | null; status: string; lastError: string | null }): Date {
  if (!row.expiresAt)
    throw new Error(`grant has no expiry (status ${row.status}, last error: ${row.lastError ?? "none"})`);
  return row.expiresAt;
}

/** An org with an AWS target on the real adapter, pointed at the loopback IAM fake through the admin's verb. */
export async function awsFakeOrg(
  db: Db,
  iam: { url: string },
  r: { name: string; account: string; keyId: string },
) {
  const org = await createTestOrg(db);
  const target = await connectTarget({
    ctx: await userCtx(db, org.users.admin),
    input: {
      name: r.name,
      cloud: "aws",
      adapter: "aws",
      externalId: r.account,
      settings: {
        endpoint: iam.url,
        credentials: {
          type: "env",
          accessKeyIdVar: envVar(r.keyId),
          secretAccessKeyVar: envVar("not-a-real-secret"),
        },
      },
    },
  });
  return { org, target };
}
