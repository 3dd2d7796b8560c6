import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, grants, scimUsers, sessions, users } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { hashSessionToken } from "@/lib/auth/session-token";
import { type FakeIam, startFakeIam } from "@/lib/clouds/fakes/aws-iam";
import { type FakeAzure, startFakeAzure } from "@/lib/clouds/fakes/azure";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { clearAdapterCache } from "@/lib/clouds/registry";
import { clearEnvVars, envVar } from "@/lib/grants/__tests__/wire-helpers";
import { reconcileOnce } from "@/lib/grants/reconcile";
import { decideRequest, submitRequest } from "@/lib/requests";
import { connectTarget } from "@/lib/targets";
import { setupApiDatabase } from "@/lib/testing/api";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg } from "@/lib/testing/db";
import { getWorkflowDriver, type InlineDriver } from "@/lib/workflows";
import * as userRoute from "../v2/Users/[id]/route";
import * as usersRoute from "../v2/Users/route";
import { PATCH_OP, scim, scimToken } from "./helpers";

// Deprovisioning from the directory, end to end: the SCIM route handler, the freeze path (lib/freeze), the
// real adapters against the AWS IAM, GCP and Azure wire fakes (as lib/freeze's own test drives them), the
// sandbox target, and the real inline workflow driver. Each fake's own access check is the oracle.
const ACCOUNT = "123456789012";
const KEY_ID = "AKIASCIMTEST00000001";
const PROJECT = "elevate-scim-1";
const OBJECT_ID = "7a1c2d3e-4a5b-4c6d-8e7f-0123456789ab";
const db = setupApiDatabase();
let iam: FakeIam;
let gcp: FakeGcp;
let azure: FakeAzure;
let org: SeededOrg;
let token: string;
const targetIds = { aws: "", gcp: "", azure: "", sandbox: "" };

beforeAll(async () => {
  [iam, gcp, azure] = await Promise.all([
    startFakeIam({ accountId: ACCOUNT, accessKeyId: KEY_ID }),
    startFakeGcp(),
    startFakeAzure(),
  ]);
  org = await createTestOrg(db());
  token = await scimToken(db(), org.org.id);
  const admin = await userCtx(db(), org.users.admin);
  const connect = (input: Parameters<typeof connectTarget>[0]["input"]) =>
    connectTarget({ ctx: admin, input });
  targetIds.sandbox = org.targets.aws.id;
  targetIds.aws = (
    await connect({
      name: "aws-scim",
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
      name: "gcp-scim",
      cloud: "gcp",
      adapter: "gcp",
      externalId: PROJECT,
      settings: { endpoint: gcp.url, credentials: { type: "env-json", var: envVar("ya29.fake-token") } },
    })
  ).id;
  targetIds.azure = (
    await connect({
      name: "azure-scim",
      cloud: "azure",
      adapter: "azure",
      externalId: randomUUID(),
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

async function activeGrant(target: keyof typeof targetIds) {
  const workflows = await getWorkflowDriver();
  const req = await submitRequest({
    ctx: await userCtx(db(), org.users.requester, workflows),
    input: {
      targetId: targetIds[target],
      templateId: org.template("logs.read").id,
      durationMinutes: 60,
      justification: "INC-7",
    },
  });
  const dto = await decideRequest({
    ctx: await userCtx(db(), org.users.approver, workflows),
    input: { requestId: req.id, verdict: "approve" },
  });
  await (workflows as InlineDriver).idle();
  const [g] = await db().select().from(grants).where(eq(grants.id, dto.grants[0].id));
  expect(g.status, `${target} grant: ${g.lastError}`).toBe("active");
  return g.id;
}

/** The requester, provisioned by the directory: Elevate adopts the account that signed in already. */
async function provisionRequester(): Promise<string> {
  const res = await scim(usersRoute.POST, "POST", "/Users", {
    token,
    body: {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: org.users.requester.email,
      emails: [{ value: org.users.requester.email, primary: true }],
      active: true,
    },
  });
  expect(res.status).toBe(201);
  expect(res.json.id).toBe(org.users.requester.id);
  return res.json.id;
}

const signIn = async (userId: string) => {
  await db()
    .insert(sessions)
    .values({
      sessionTokenHash: hashSessionToken(randomUUID()),
      userId,
      expires: new Date(Date.now() + 3_600_000),
    });
};
const statuses = async (ids: string[]) =>
  (await db().select({ status: grants.status }).from(grants).where(inArray(grants.id, ids))).map(
    (g) => g.status,
  );
const directoryActions = async (since: number) =>
  (
    await db()
      .select({
        id: auditEvents.id,
        action: auditEvents.action,
        actorType: auditEvents.actorType,
        actorId: auditEvents.actorId,
      })
      .from(auditEvents)
      .where(eq(auditEvents.orgId, org.org.id))
  )
    .filter((a) => a.id > since)
    .map((a) => `${a.actorType}:${a.actorId} ${a.action}`);
const lastAuditId = async () =>
  Math.max(
    0,
    ...(
      await db().select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.orgId, org.org.id))
    ).map((a) => a.id),
  );

describe("deprovisioning from the directory", () => {
  it("active:false (Entra's string form) disables, signs out and revokes every live grant on AWS, GCP, Azure and the sandbox", async () => {
    const id = await provisionRequester();
    const live = [
      await activeGrant("aws"),
      await activeGrant("gcp"),
      await activeGrant("azure"),
      await activeGrant("sandbox"),
    ];
    const member = `user:${org.users.requester.email}`;
    expect(gcp.state.canAccess(PROJECT, member, "logging.logs.list")).toBe(true);
    expect(azure.state.canAccess(OBJECT_ID, "Microsoft.Insights/logs/read")).toBe(true);
    expect(iam.state.roles.has(`elevate-${live[0]}`.toLowerCase())).toBe(true);
    await signIn(id);
    const since = await lastAuditId();

    const res = await scim(userRoute.PATCH, "PATCH", `/Users/${id}`, {
      token,
      params: { id },
      body: { schemas: [PATCH_OP], Operations: [{ op: "Replace", path: "active", value: "False" }] },
    });
    expect(res.status).toBe(200);
    expect(res.json.active).toBe(false);
    await ((await getWorkflowDriver()) as InlineDriver).idle();

    const [u] = await db().select().from(users).where(eq(users.id, id));
    expect(u.disabledAt).not.toBeNull();
    expect(await db().select().from(sessions).where(eq(sessions.userId, id))).toEqual([]);
    expect(await statuses(live)).toEqual(["revoked", "revoked", "revoked", "revoked"]);
    // Each cloud's own view: no access left.
    expect(gcp.state.canAccess(PROJECT, member, "logging.logs.list")).toBe(false);
    expect(azure.state.canAccess(OBJECT_ID, "Microsoft.Insights/logs/read")).toBe(false);
    expect(iam.state.roles.has(`elevate-${live[0]}`.toLowerCase())).toBe(false);
    // The audit log says the directory did it, through the freeze path.
    const acts = await directoryActions(since);
    expect(acts).toEqual(
      expect.arrayContaining([
        "system:directory scim.user_updated",
        "system:directory user.disabled",
        "system:directory person.frozen",
        "system:directory person.freeze_applied",
        "system:directory grant.revoke_requested",
      ]),
    );
    expect(acts.filter((a) => a === "system:directory grant.revoke_requested")).toHaveLength(4);
    // Disabled people cannot ask for access.
    await expect(userCtx(db(), org.users.requester)).rejects.toThrow(/disabled/);

    // The directory reactivates: enabled again, the directory's freeze lifted, new requests accepted.
    const back = await scim(userRoute.PATCH, "PATCH", `/Users/${id}`, {
      token,
      params: { id },
      body: { schemas: [PATCH_OP], Operations: [{ op: "Replace", path: "active", value: "True" }] },
    });
    expect(back.json.active).toBe(true);
    await activeGrant("sandbox");
  });

  it("DELETE does the same, and the user is gone from SCIM", async () => {
    const id = org.users.requester.id;
    const live = [await activeGrant("aws"), await activeGrant("sandbox")];
    await signIn(id);
    const res = await scim(userRoute.DELETE, "DELETE", `/Users/${id}`, { token, params: { id } });
    expect(res.status).toBe(204);
    await ((await getWorkflowDriver()) as InlineDriver).idle();
    expect((await db().select().from(users).where(eq(users.id, id)))[0].disabledAt).not.toBeNull();
    expect(await db().select().from(sessions).where(eq(sessions.userId, id))).toEqual([]);
    // Every live grant of the person, including the one left from the test before.
    const all = await db()
      .select({ status: grants.status })
      .from(grants)
      .where(and(eq(grants.userId, id), eq(grants.orgId, org.org.id)));
    expect(all.map((g) => g.status).filter((s) => s !== "revoked")).toEqual([]);
    expect(await statuses(live)).toEqual(["revoked", "revoked"]);
    expect((await scim(userRoute.GET, "GET", `/Users/${id}`, { token, params: { id } })).status).toBe(404);
  });

  it("the reconciler finishes a deprovisioning whose freeze was lost, within one pass", async () => {
    const id = await provisionRequester(); // re-provisioned after the delete: adopted and enabled again
    const live = [await activeGrant("aws"), await activeGrant("sandbox")];
    // As if the process died between the SCIM answer and the freeze: the directory's state says inactive.
    await db().update(scimUsers).set({ active: false }).where(eq(scimUsers.userId, id));
    const since = await lastAuditId();
    await reconcileOnce({ db: db(), workflows: await getWorkflowDriver(), orgId: org.org.id });
    await ((await getWorkflowDriver()) as InlineDriver).idle();
    expect(await statuses(live)).toEqual(["revoked", "revoked"]);
    expect((await db().select().from(users).where(eq(users.id, id)))[0].disabledAt).not.toBeNull();
    expect(await directoryActions(since)).toEqual(
      expect.arrayContaining(["system:directory user.disabled", "system:directory person.frozen"]),
    );
    // A second pass finds nothing left to do.
    const again = await lastAuditId();
    await reconcileOnce({ db: db(), workflows: await getWorkflowDriver(), orgId: org.org.id });
    expect((await directoryActions(again)).filter((a) => a.includes("directory"))).toEqual([]);
  });
});
