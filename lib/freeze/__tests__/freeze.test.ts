import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, grants } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { type FakeIam, startFakeIam } from "@/lib/clouds/fakes/aws-iam";
import { type FakeAzure, startFakeAzure } from "@/lib/clouds/fakes/azure";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { clearAdapterCache } from "@/lib/clouds/registry";
import { clearEnvVars, envVar } from "@/lib/grants/__tests__/wire-helpers";
import { decideRequest, submitRequest } from "@/lib/requests";
import { connectTarget } from "@/lib/targets";
import { apiTokenFor, callApi, setupApiDatabase } from "@/lib/testing/api";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg } from "@/lib/testing/db";
import { getWorkflowDriver, type InlineDriver } from "@/lib/workflows";
import * as freezeRoute from "../../../app/api/v1/users/[id]/freeze/route";
import * as unfreezeRoute from "../../../app/api/v1/users/[id]/unfreeze/route";

// The three clouds' wire fakes behind the real adapters (AWS SDK, @google-cloud/* REST, Azure ARM), a real
// database, the real inline workflow driver, and the API route handler an admin calls.
const ACCOUNT = "123456789012";
const KEY_ID = "AKIAFREEZETEST000001";
const PROJECT = "elevate-freeze-1";
const OBJECT_ID = "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab";
const db = setupApiDatabase();
let iam: FakeIam;
let gcp: FakeGcp;
let azure: FakeAzure;
let org: SeededOrg;
const targetIds: Record<"aws" | "gcp" | "azure", string> = { aws: "", gcp: "", azure: "" };

beforeAll(async () => {
  [iam, gcp, azure] = await Promise.all([
    startFakeIam({ accountId: ACCOUNT, accessKeyId: KEY_ID }),
    startFakeGcp(),
    startFakeAzure(),
  ]);
  org = await createTestOrg(db());
  const admin = await userCtx(db(), org.users.admin);
  const subscription = randomUUID();
  const connect = (input: Parameters<typeof connectTarget>[0]["input"]) =>
    connectTarget({ ctx: admin, input });
  targetIds.aws = (
    await connect({
      name: "aws-freeze",
      cloud: "aws",
      adapter: "aws",
      externalId: ACCOUNT,
      settings: {
        endpoint: iam.url,
        credentials: {
          type: "env",
          accessKeyIdVar: envVar(KEY_ID),
          secretAccessKeyVar: envVar("not-a-secret"),
        },
      },
    })
  ).id;
  targetIds.gcp = (
    await connect({
      name: "gcp-freeze",
      cloud: "gcp",
      adapter: "gcp",
      externalId: PROJECT,
      settings: { endpoint: gcp.url, credentials: { type: "env-json", var: envVar("ya29.fake-token") } },
    })
  ).id;
  targetIds.azure = (
    await connect({
      name: "azure-freeze",
      cloud: "azure",
      adapter: "azure",
      externalId: subscription,
      settings: {
        endpoint: azure.url,
        ca: azure.ca,
        credentials: { type: "env-token", var: envVar("eyFakeArmToken") },
        principals: { [org.users.requester.email]: OBJECT_ID },
      },
    })
  ).id;
});

afterAll(async () => {
  clearEnvVars();
  clearAdapterCache();
  await Promise.all([iam?.stop(), gcp?.stop(), azure?.stop()]);
});
afterEach(() => undefined);

async function activeGrant(cloud: "aws" | "gcp" | "azure") {
  const workflows = await getWorkflowDriver();
  const req = await submitRequest({
    ctx: await userCtx(db(), org.users.requester, workflows),
    input: {
      targetId: targetIds[cloud],
      templateId: org.template("logs.read").id,
      durationMinutes: 60,
      justification: "INC-11",
    },
  });
  const dto = await decideRequest({
    ctx: await userCtx(db(), org.users.approver, workflows),
    input: { requestId: req.id, verdict: "approve" },
  });
  await (workflows as InlineDriver).idle();
  const [g] = await db().select().from(grants).where(eq(grants.id, dto.grants[0].id));
  expect(g.status, `${cloud} grant: ${g.lastError}`).toBe("active");
  return g;
}

describe("freeze a person", () => {
  it("revokes every grant on AWS, GCP and Azure, denies on GCP until the grants are gone, and is audited", async () => {
    const aws = await activeGrant("aws");
    const gcpGrant = await activeGrant("gcp");
    const az = await activeGrant("azure");
    const member = `user:${org.users.requester.email}`;
    // Live on each fake before the freeze (each fake's own access check).
    expect(gcp.state.canAccess(PROJECT, member, "logging.logs.list")).toBe(true);
    expect(azure.state.canAccess(OBJECT_ID, "Microsoft.Insights/logs/read")).toBe(true);
    expect(iam.state.roles.has(`elevate-${aws.id}`.toLowerCase())).toBe(true);
    const pending = await submitRequest({
      ctx: await userCtx(db(), org.users.requester),
      input: {
        targetId: targetIds.aws,
        templateId: org.template("logs.read").id,
        durationMinutes: 30,
        justification: "INC-12",
      },
    });

    const gcpCallsBefore = gcp.calls.length;
    const iamCallsBefore = iam.state.calls.length;
    const token = await apiTokenFor(db(), org, "admin");
    const res = await callApi(freezeRoute.POST, "POST", `/users/${org.users.requester.id}/freeze`, {
      token,
      params: { id: org.users.requester.id },
      body: { reason: "compromised laptop (SEC-1)" },
    });
    expect(res.status).toBe(200);
    expect(res.json.problems).toEqual([]);
    expect(new Set(res.json.grantIds)).toEqual(new Set([aws.id, gcpGrant.id, az.id]));
    expect(res.json.revoked.map((r: { status: string }) => r.status)).toEqual([
      "revoked",
      "revoked",
      "revoked",
    ]);
    expect(res.json.cancelledRequestIds).toEqual([pending.id]);

    // GCP: a deny policy for the person was created before the binding was removed, then removed once
    // the grant was gone; the fake's access check (deny before allow) says no.
    const gcpCalls = gcp.calls.slice(gcpCallsBefore).map((c) => `${c.method} ${c.path}`);
    const createDeny = gcpCalls.findIndex((c) =>
      c.startsWith("POST /v2/policies/cloudresourcemanager.googleapis.com%2Fprojects%2F"),
    );
    const setPolicy = gcpCalls.findIndex((c) => c === `POST /v3/projects/${PROJECT}:setIamPolicy`);
    const deleteDeny = gcpCalls.findIndex((c) => c.startsWith("DELETE /v2/policies/"));
    expect(createDeny).toBeGreaterThanOrEqual(0);
    expect(setPolicy).toBeGreaterThan(createDeny);
    expect(deleteDeny).toBeGreaterThan(setPolicy);
    const body = gcp.calls[gcpCallsBefore + createDeny].body as {
      rules: { denyRule: { deniedPrincipals: string[]; deniedPermissions: string[] } }[];
    };
    expect(body.rules[0].denyRule.deniedPrincipals).toEqual([
      `principal://goog/subject/${org.users.requester.email}`,
    ]);
    expect(body.rules[0].denyRule.deniedPermissions).toContain("logging.googleapis.com/logs.list");
    expect(res.json.denies).toHaveLength(1);
    expect(res.json.denies[0].removedAt).not.toBeNull();
    expect(gcp.state.project(PROJECT).denyPolicies.size).toBe(0);
    expect(gcp.state.canAccess(PROJECT, member, "logging.logs.list")).toBe(false);

    // AWS: the revoke-older-sessions Deny went on the grant's role first, then the role went.
    const iamCalls = iam.state.calls.slice(iamCallsBefore);
    const revokeOlder = iamCalls.find(
      (c) => c.action === "PutRolePolicy" && c.params.PolicyName === "AWSRevokeOlderSessions",
    );
    expect(revokeOlder?.params.RoleName?.toLowerCase()).toBe(`elevate-${aws.id}`);
    expect(JSON.parse(String(revokeOlder?.params.PolicyDocument)).Statement[0]).toMatchObject({
      Effect: "Deny",
    });
    expect(iam.state.roles.has(`elevate-${aws.id}`.toLowerCase())).toBe(false);

    // Azure: the assignment is gone.
    expect(azure.state.canAccess(OBJECT_ID, "Microsoft.Insights/logs/read")).toBe(false);

    // New requests are refused while frozen; the audit names each step.
    await expect(
      submitRequest({
        ctx: await userCtx(db(), org.users.requester),
        input: {
          targetId: targetIds.aws,
          templateId: org.template("logs.read").id,
          durationMinutes: 30,
          justification: "x",
        },
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const actions = (
      await db()
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(eq(auditEvents.subjectId, org.users.requester.id))
    ).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["person.frozen", "person.freeze_applied", "person.freeze_denies_removed"]),
    );

    const lifted = await callApi(unfreezeRoute.POST, "POST", `/users/${org.users.requester.id}/unfreeze`, {
      token,
      params: { id: org.users.requester.id },
    });
    expect(lifted).toMatchObject({ status: 200, json: { lifted: 1 } });
  });

  it("is for admins only and validates its input, changing nothing", async () => {
    const token = await apiTokenFor(db(), org, "approver");
    const res = await callApi(freezeRoute.POST, "POST", `/users/${org.users.requester.id}/freeze`, {
      token,
      params: { id: org.users.requester.id },
      body: { reason: "x" },
    });
    expect(res.status).toBe(403);
    const admin = await apiTokenFor(db(), org, "admin");
    const noReason = await callApi(freezeRoute.POST, "POST", `/users/${org.users.requester.id}/freeze`, {
      token: admin,
      params: { id: org.users.requester.id },
      body: { reason: "" },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.field).toBe("reason");
    const unknown = await callApi(freezeRoute.POST, "POST", `/users/${randomUUID()}/freeze`, {
      token: admin,
      params: { id: randomUUID() },
      body: { reason: "SEC-2" },
    });
    expect(unknown.status).toBe(404);
  });
});
