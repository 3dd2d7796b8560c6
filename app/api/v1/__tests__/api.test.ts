import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { env, resetEnv } from "@/lib/env";
import { apiTokenFor, callApi, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import { createApiToken, revokeApiToken } from "@/lib/tokens";
import { getWorkflowDriver, type InlineDriver } from "@/lib/workflows";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { GET as health } from "../../health/route";
import { POST as revokeGrant } from "../grants/[id]/revoke/route";
import { GET as getGrant } from "../grants/[id]/route";
import { GET as listGrants } from "../grants/route";
import { GET as openapi } from "../openapi.json/route";
import { POST as cancelRequest } from "../requests/[id]/cancel/route";
import { POST as decide } from "../requests/[id]/decision/route";
import { GET as getRequest } from "../requests/[id]/route";
import { GET as listRequests, POST as submit } from "../requests/route";
import { GET as listTargets } from "../targets/route";
import { GET as listTemplates } from "../templates/route";

const apiDb = setupApiDatabase();
let db: Db;
beforeAll(() => {
  db = apiDb();
});

/** Approval and revocation run in the inline driver after the response; wait for them. */
async function settle() {
  await ((await getWorkflowDriver()) as InlineDriver).idle();
}

const call = callApi;

const tokenFor = (org: SeededOrg, who: keyof SeededOrg["users"]) => apiTokenFor(db, org, who);

async function setup() {
  const org = await createTestOrg(db);
  const tokens = {
    requester: await tokenFor(org, "requester"),
    approver: await tokenFor(org, "approver"),
    admin: await tokenFor(org, "admin"),
  };
  const submitBody = {
    targetId: org.targets.aws.id,
    templateId: org.template("vm.ssh").id,
    resource: "i-0abc1234",
    durationMinutes: 30,
    justification: "investigate INC-42",
  };
  return { org, tokens, submitBody };
}

describe("authentication", () => {
  it("answers 401 without a token, with a malformed, unknown or revoked token, and for cookies alone", async () => {
    const { org, tokens } = await setup();
    expect((await call(listRequests, "GET", "/requests")).status).toBe(401);
    const bad = await call(listRequests, "GET", "/requests", { token: "elv_nope" });
    expect(bad).toMatchObject({ status: 401, json: { error: { code: "unauthorized" } } });
    expect((await call(listRequests, "GET", "/requests", { token: `elv_${"x".repeat(43)}` })).status).toBe(
      401,
    );
    const cookie = { "next-auth.session-token": "whatever", cookie: "next-auth.session-token=abc" };
    expect((await call(listRequests, "GET", "/requests", { headers: cookie })).status).toBe(401);

    const made = await createApiToken({
      ctx: systemCtx(db, org.org.id, "test"),
      input: { name: "gone", userId: org.users.requester.id },
    });
    expect((await call(listRequests, "GET", "/requests", { token: made.token })).status).toBe(200);
    await revokeApiToken({ ctx: systemCtx(db, org.org.id, "test"), input: { tokenId: made.id } });
    expect((await call(listRequests, "GET", "/requests", { token: made.token })).status).toBe(401);
    expect((await call(listRequests, "GET", "/requests", { token: tokens.requester })).status).toBe(200);
  });
});

describe("requests", () => {
  it("submits (201), validates input naming the field, and reads back", async () => {
    const { tokens, submitBody } = await setup();
    const created = await call(submit, "POST", "/requests", { token: tokens.requester, body: submitBody });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: "pending", durationMinutes: 30, resource: "i-0abc1234" });

    const zero = await call(submit, "POST", "/requests", {
      token: tokens.requester,
      body: { ...submitBody, durationMinutes: 0 },
    });
    expect(zero).toMatchObject({
      status: 400,
      json: { error: { code: "validation", field: "durationMinutes" } },
    });
    expect(zero.json.error.message).toContain("durationMinutes");
    const missing = await call(submit, "POST", "/requests", {
      token: tokens.requester,
      body: { ...submitBody, targetId: undefined },
    });
    expect(missing.json.error.field).toBe("targetId");
    const malformed = await call(submit, "POST", "/requests", { token: tokens.requester, rawBody: "{nope" });
    expect(malformed).toMatchObject({ status: 400, json: { error: { code: "validation", field: "body" } } });

    const one = await call(getRequest, "GET", `/requests/${created.json.id}`, {
      token: tokens.requester,
      params: { id: created.json.id },
    });
    expect(one).toMatchObject({ status: 200, json: { id: created.json.id } });
    const mine = await call(listRequests, "GET", "/requests?scope=mine&status=pending&limit=5", {
      token: tokens.requester,
    });
    expect(mine.status).toBe(200);
    expect(mine.json.items.map((r: { id: string }) => r.id)).toContain(created.json.id);
    const badLimit = await call(listRequests, "GET", "/requests?limit=0", { token: tokens.requester });
    expect(badLimit).toMatchObject({ status: 400, json: { error: { field: "limit" } } });
    const all = await call(listRequests, "GET", "/requests?scope=all", { token: tokens.requester });
    expect(all).toMatchObject({ status: 403, json: { error: { code: "forbidden" } } });
  });

  it("submits explicit permissions instead of a template (201) and refuses unknown ones naming the field", async () => {
    const { tokens, submitBody } = await setup();
    const { templateId: _template, ...rest } = submitBody;
    const body = { ...rest, resource: null, permissions: ["ec2:DescribeInstance*", "ec2:StartInstances"] };
    const created = await call(submit, "POST", "/requests", { token: tokens.requester, body });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: "pending", template: null, risk: "medium" });
    expect(created.json.permissions).toContain("ec2:DescribeInstances");
    expect(created.json.permissions).not.toContain("ec2:DescribeInstance*");

    const unknown = await call(submit, "POST", "/requests", {
      token: tokens.requester,
      body: { ...body, permissions: ["ec2:DescribeInstancez"] },
    });
    expect(unknown).toMatchObject({
      status: 400,
      json: { error: { code: "validation", field: "permissions" } },
    });
    expect(unknown.json.error.message).toContain("ec2:DescribeInstances");
    const both = await call(submit, "POST", "/requests", {
      token: tokens.requester,
      body: { ...submitBody, permissions: ["ec2:StartInstances"] },
    });
    expect(both).toMatchObject({ status: 400, json: { error: { field: "permissions" } } });
  });

  it("refuses self-approval (403) and lets another approver approve (200) over the API channel", async () => {
    const { tokens, submitBody } = await setup();
    const own = await call(submit, "POST", "/requests", { token: tokens.approver, body: submitBody });
    const self = await call(decide, "POST", `/requests/${own.json.id}/decision`, {
      token: tokens.approver,
      params: { id: own.json.id },
      body: { verdict: "approve" },
    });
    expect(self).toMatchObject({ status: 403, json: { error: { code: "forbidden" } } });

    const theirs = await call(submit, "POST", "/requests", { token: tokens.requester, body: submitBody });
    const byRequester = await call(decide, "POST", `/requests/${theirs.json.id}/decision`, {
      token: tokens.requester,
      params: { id: theirs.json.id },
      body: { verdict: "approve" },
    });
    expect(byRequester.status).toBe(403);
    const badVerdict = await call(decide, "POST", `/requests/${theirs.json.id}/decision`, {
      token: tokens.approver,
      params: { id: theirs.json.id },
      body: { verdict: "maybe" },
    });
    expect(badVerdict).toMatchObject({ status: 400, json: { error: { field: "verdict" } } });
    const approved = await call(decide, "POST", `/requests/${theirs.json.id}/decision`, {
      token: tokens.approver,
      params: { id: theirs.json.id },
      body: { verdict: "approve", comment: "ok" },
    });
    expect(approved).toMatchObject({ status: 200, json: { status: "approved" } });
    expect(approved.json.approvals).toEqual([
      expect.objectContaining({ channel: "api", verdict: "approve" }),
    ]);
    const again = await call(decide, "POST", `/requests/${theirs.json.id}/decision`, {
      token: tokens.approver,
      params: { id: theirs.json.id },
      body: { verdict: "approve" },
    });
    expect(again.status).toBe(409);
  });

  it("cancels the requester's own pending request", async () => {
    const { tokens, submitBody } = await setup();
    const made = await call(submit, "POST", "/requests", { token: tokens.requester, body: submitBody });
    const byOther = await call(cancelRequest, "POST", `/requests/${made.json.id}/cancel`, {
      token: tokens.approver,
      params: { id: made.json.id },
    });
    expect(byOther.status).toBe(403);
    const cancelled = await call(cancelRequest, "POST", `/requests/${made.json.id}/cancel`, {
      token: tokens.requester,
      params: { id: made.json.id },
    });
    expect(cancelled).toMatchObject({ status: 200, json: { status: "cancelled" } });
  });

  it("answers 404 for another tenant's ids and for ids that are not uuids", async () => {
    const a = await setup();
    const b = await setup();
    const foreign = await call(submit, "POST", "/requests", {
      token: b.tokens.requester,
      body: b.submitBody,
    });
    const id = foreign.json.id;
    const read = await call(getRequest, "GET", `/requests/${id}`, { token: a.tokens.admin, params: { id } });
    expect(read).toMatchObject({ status: 404, json: { error: { code: "not_found" } } });
    const decided = await call(decide, "POST", `/requests/${id}/decision`, {
      token: a.tokens.approver,
      params: { id },
      body: { verdict: "approve" },
    });
    expect(decided.status).toBe(404);
    const cancelled = await call(cancelRequest, "POST", `/requests/${id}/cancel`, {
      token: a.tokens.admin,
      params: { id },
    });
    expect(cancelled.status).toBe(404);

    for (const [handler, url] of [
      [getRequest, "/requests/not-a-uuid"],
      [getGrant, "/grants/1"],
    ] as const) {
      const res = await call(handler, "GET", url, {
        token: a.tokens.admin,
        params: { id: url.split("/")[2] },
      });
      expect(res).toMatchObject({ status: 404, json: { error: { code: "not_found" } } });
    }
    const weird = await call(decide, "POST", "/requests/x/decision", {
      token: a.tokens.approver,
      params: { id: "'; drop table users; --" },
      body: { verdict: "approve" },
    });
    expect(weird.status).toBe(404);
  });
});

describe("grants", () => {
  it("lists grants by status and revokes one", async () => {
    const { tokens, submitBody } = await setup();
    const made = await call(submit, "POST", "/requests", { token: tokens.requester, body: submitBody });
    await call(decide, "POST", `/requests/${made.json.id}/decision`, {
      token: tokens.approver,
      params: { id: made.json.id },
      body: { verdict: "approve" },
    });
    const live = await call(listGrants, "GET", "/grants?status=live", { token: tokens.requester });
    expect(live.status).toBe(200);
    expect(live.json.items).toHaveLength(1);
    const grant = live.json.items[0];
    expect(grant).toMatchObject({ requestId: made.json.id });
    const revokedBefore = await call(listGrants, "GET", "/grants?status=revoked", {
      token: tokens.requester,
    });
    expect(revokedBefore.json.items).toHaveLength(0);
    const badStatus = await call(listGrants, "GET", "/grants?status=bogus", { token: tokens.requester });
    expect(badStatus).toMatchObject({ status: 400, json: { error: { field: "status" } } });
    const othersAll = await call(listGrants, "GET", "/grants?scope=all", { token: tokens.approver });
    expect(othersAll.status).toBe(403);
    const adminAll = await call(listGrants, "GET", "/grants?scope=all", { token: tokens.admin });
    expect(adminAll.json.items.map((g: { id: string }) => g.id)).toContain(grant.id);

    const one = await call(getGrant, "GET", `/grants/${grant.id}`, {
      token: tokens.requester,
      params: { id: grant.id },
    });
    expect(one).toMatchObject({ status: 200, json: { id: grant.id } });

    const noReason = await call(revokeGrant, "POST", `/grants/${grant.id}/revoke`, {
      token: tokens.admin,
      params: { id: grant.id },
      body: {},
    });
    expect(noReason).toMatchObject({ status: 400, json: { error: { field: "reason" } } });
    // Someone who may not see the grant gets the same 404 from revoke as from GET: no existence oracle.
    const byStranger = await call(revokeGrant, "POST", `/grants/${grant.id}/revoke`, {
      token: tokens.approver,
      params: { id: grant.id },
      body: { reason: "not mine" },
    });
    const readByStranger = await call(getGrant, "GET", `/grants/${grant.id}`, {
      token: tokens.approver,
      params: { id: grant.id },
    });
    expect(byStranger).toMatchObject({ status: 404, json: { error: { code: "not_found" } } });
    expect(byStranger).toEqual(readByStranger);
    const revoked = await call(revokeGrant, "POST", `/grants/${grant.id}/revoke`, {
      token: tokens.admin,
      params: { id: grant.id },
      body: { reason: "incident over" },
    });
    expect(revoked.status).toBe(200);
    expect(["revoking", "revoked"]).toContain(revoked.json.status);
    await settle();
    const after = await call(listGrants, "GET", "/grants?status=revoked", { token: tokens.requester });
    expect(after.json.items.map((g: { id: string }) => g.id)).toEqual([grant.id]);
  });
});

describe("catalog, OpenAPI and health", () => {
  it("lists targets and the latest templates without connection settings", async () => {
    const { org, tokens } = await setup();
    const targets = await call(listTargets, "GET", "/targets", { token: tokens.requester });
    expect(targets.status).toBe(200);
    expect(targets.json.items.map((t: { id: string }) => t.id).sort()).toEqual(
      [org.targets.aws.id, org.targets.gcp.id, org.targets.azure.id, org.targets.kubernetes.id].sort(),
    );
    expect(targets.json.items[0]).not.toHaveProperty("settings");
    const templates = await call(listTemplates, "GET", "/templates", { token: tokens.requester });
    expect(templates.json.items.map((t: { key: string }) => t.key)).toContain("vm.ssh");
    expect((await call(listTemplates, "GET", "/templates")).status).toBe(401);
  });

  it("publishes an OpenAPI 3.1 document listing every route file under /api/v1", async () => {
    const res = await openapi();
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    const root = path.resolve(__dirname, "..");
    const onDisk: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name === "route.ts")
          onDisk.push(`/${path.relative(root, dir).replace(/\[(\w+)\]/g, "{$1}")}`);
      }
    };
    walk(root);
    expect(Object.keys(doc.paths).sort()).toEqual(onDisk.map((p) => (p === "/" ? "" : p)).sort());
    const submitOp = doc.paths["/requests"].post;
    expect(submitOp.security).toEqual([{ bearer: [] }]);
    expect(submitOp.requestBody.content["application/json"].schema.required).toContain("durationMinutes");
    expect(doc.paths["/requests"].get.parameters.map((p: { name: string }) => p.name)).toContain("status");
    expect(doc.paths["/openapi.json"].get.security).toEqual([]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("reports health after a database round trip", async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", db: env().dbKind, version: expect.any(String) });
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After and the error shape once a user submits over the limit", async () => {
    const { tokens, submitBody } = await setup();
    const before = process.env.ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE;
    process.env.ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE = "2";
    resetEnv();
    try {
      // A minute boundary may fall between hits (a fresh window): 2 × limit + 1 hits must still meet a 429.
      const post = () =>
        submit(
          new Request("http://localhost/api/v1/requests", {
            method: "POST",
            headers: { authorization: `Bearer ${tokens.requester}`, "content-type": "application/json" },
            body: JSON.stringify(submitBody),
          }),
        );
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 0; i < 5 && !limited; i++) {
        const r = await post();
        statuses.push(r.status);
        if (r.status === 429) limited = r;
      }
      expect(statuses.slice(0, 2)).toEqual([201, 201]);
      expect(limited?.status).toBe(429);
      expect(await limited?.json()).toEqual({ error: { code: "rate_limited", message: expect.any(String) } });
      const retryAfter = Number(limited?.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      // Another user's bucket is untouched.
      const other = await call(submit, "POST", "/requests", { token: tokens.admin, body: submitBody });
      expect(other.status).toBe(201);
    } finally {
      if (before === undefined) delete process.env.ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE;
      else process.env.ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE = before;
      resetEnv();
    }
  });
});
