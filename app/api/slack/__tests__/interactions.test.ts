import { randomBytes } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { approvals, auditEvents, sessions, slackInteractions } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { hashSessionToken } from "@/lib/auth/session-token";
import { resetEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { notifyOnce } from "@/lib/notify/loop";
import { updateNotificationSettings } from "@/lib/notify/settings";
import { documentFromLegacy } from "@/lib/policies/default";
import { decideRequest } from "@/lib/requests/decide";
import { submitRequest } from "@/lib/requests/submit";
import { FAKE_SLACK_TOKEN, type FakeSlack, startFakeSlack } from "@/lib/slack/fake";
import { slackSignature } from "@/lib/slack/verify";
import { setupApiDatabase } from "@/lib/testing/api";
import { tokenCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg } from "@/lib/testing/db";
import { getWorkflowDriver } from "@/lib/workflows";
import { POST } from "../interactions/route";

// Signed payloads over HTTP semantics to the real route handler; Slack's Web API is the wire fake, spoken to
// through @slack/web-api. Signing as documented at
// https://api.slack.com/authentication/verifying-requests-from-slack ("v0:" + timestamp + ":" + body).
const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const db = setupApiDatabase();
let slack: FakeSlack;
let org: SeededOrg;

beforeAll(async () => {
  slack = await startFakeSlack();
  Object.assign(process.env, {
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
    SLACK_API_URL: slack.url,
    ELEVATE_STEP_UP_RISKS: "high",
  });
  resetEnv();
  // Step-up comes from the policy: a rule requires it for high-risk requests (docs/approvals.md).
  const policy = documentFromLegacy({ approvalsRequired: 2 });
  org = await createTestOrg(db(), {
    ...policy,
    rules: [{ id: "step-up-high", match: { risks: ["high"] }, decide: { stepUp: true } }],
  });
  slack.users.push(
    { id: "UAVERY", email: org.users.approver.email, name: "avery" },
    { id: "UJORDAN", email: org.users.approver2.email, name: "jordan" },
    { id: "URILEY", email: org.users.requester.email, name: "riley" },
    { id: "UUNCONFIRMED", email: org.users.admin.email, name: "ada", isEmailConfirmed: false },
    { id: "USTRANGER", email: "someone@elsewhere.example", name: "stranger" },
  );
  for (const who of ["approver", "approver2"] as const) {
    await updateNotificationSettings({
      ctx: await userCtx(db(), org.users[who]),
      input: { channels: ["slack"] },
    });
  }
});

afterAll(async () => {
  await slack?.stop();
  for (const k of ["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_API_URL", "ELEVATE_STEP_UP_RISKS"]) {
    delete process.env[k];
  }
  resetEnv();
});

function payload(slackUser: string, actionId: string, requestId: string, actionTs: string) {
  return `payload=${encodeURIComponent(
    JSON.stringify({
      type: "block_actions",
      user: { id: slackUser },
      channel: { id: "DAVERY" },
      actions: [{ action_id: actionId, value: requestId, action_ts: actionTs }],
    }),
  )}`;
}

async function post(
  body: string,
  opts: { ts?: number; signature?: string; retry?: number } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": ts,
    "x-slack-signature": opts.signature ?? slackSignature(SECRET, ts, body),
  };
  if (opts.retry !== undefined) {
    headers["x-slack-retry-num"] = String(opts.retry);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  const res = await POST(
    new Request("http://localhost/api/slack/interactions", { method: "POST", headers, body }),
  );
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function submit(who: keyof SeededOrg["users"], templateKey: string) {
  const template = org.template(templateKey);
  return submitRequest({
    ctx: await userCtx(db(), org.users[who], await getWorkflowDriver()),
    input: {
      targetId: org.targets.aws.id,
      templateId: template.id,
      resource: template.placeholders.length ? "i-0abc1234" : undefined,
      durationMinutes: 30,
      justification: "INC-9 on-call fix",
    },
  });
}

const approvalCount = async (d: Db, requestId: string) =>
  (await d.select({ n: count() }).from(approvals).where(eq(approvals.requestId, requestId)))[0].n;
const interactionCount = async (d: Db) => (await d.select({ n: count() }).from(slackInteractions))[0].n;

let actionSeq = 0;
const actionTs = () => `${Math.floor(Date.now() / 1000)}.${String(++actionSeq).padStart(6, "0")}`;

describe("POST /api/slack/interactions", () => {
  it("refuses a bad signature and a stale timestamp with no state change", async () => {
    const req = await submit("requester", "vm.restart");
    const body = payload("UAVERY", "elevate_approve", req.id, actionTs());
    const before = await interactionCount(db());
    const forged = await post(body, { signature: `v0=${randomBytes(32).toString("hex")}` });
    expect(forged.status).toBe(401);
    const tampered = await post(body.replace("UAVERY", "UJORDAN"), {
      signature: slackSignature(SECRET, Math.floor(Date.now() / 1000), body),
    });
    expect(tampered.status).toBe(401);
    const stale = await post(body, { ts: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    expect(stale.json.error).toMatch(/five minutes/);
    const future = await post(body, { ts: Math.floor(Date.now() / 1000) + 6 * 60 });
    expect(future.status).toBe(401);
    expect(await approvalCount(db(), req.id)).toBe(0);
    expect(await interactionCount(db())).toBe(before);
  });

  it("an approval retried twice (X-Slack-Retry-Num) counts exactly once, and every message is updated", async () => {
    const workflows = await getWorkflowDriver();
    const req = await submit("requester", "vm.restart");
    await notifyOnce({ db: db(), workflows, orgId: org.org.id });
    const dms = () => [...slack.messages.values()].filter((m) => JSON.stringify(m.blocks).includes(req.id));
    expect(
      dms()
        .map((m) => m.channel)
        .sort(),
    ).toEqual(["DAVERY", "DJORDAN"]);

    const body = payload("UAVERY", "elevate_approve", req.id, actionTs());
    const first = await post(body);
    const retry1 = await post(body, { retry: 1 });
    const retry2 = await post(body, { retry: 2 });
    for (const r of [first, retry1, retry2]) {
      expect(r.status).toBe(200);
      expect(r.json.outcome).toBe("recorded");
    }
    // Two approvals are required: one counted, the request still pending.
    expect(await approvalCount(db(), req.id)).toBe(1);
    const recorded = await db()
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, req.id), eq(auditEvents.action, "request.approval_recorded")));
    expect(recorded[0].n).toBe(1);

    // The second approver, in Slack too: approved; every message about it is re-rendered without buttons.
    const second = await post(payload("UJORDAN", "elevate_approve", req.id, actionTs()));
    expect(second.json.outcome).toBe("approved");
    await notifyOnce({ db: db(), workflows, orgId: org.org.id });
    for (const m of dms()) {
      expect(m.updates).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(m.blocks)).not.toContain("elevate_approve");
      expect(JSON.stringify(m.blocks)).toContain("Approved");
    }
  });

  it("refuses unmapped Slack users (no such email, unconfirmed email) and self-approval", async () => {
    const req = await submit("approver", "vm.restart");
    const stranger = await post(payload("USTRANGER", "elevate_approve", req.id, actionTs()));
    expect(stranger.json.outcome).toBe("unmapped");
    const unconfirmed = await post(payload("UUNCONFIRMED", "elevate_approve", req.id, actionTs()));
    expect(unconfirmed.json.outcome).toBe("unmapped");
    const self = await post(payload("UAVERY", "elevate_approve", req.id, actionTs()));
    expect(self.json).toMatchObject({ outcome: "refused", text: "You cannot decide your own request" });
    expect(await approvalCount(db(), req.id)).toBe(0);
    // The person is told in Slack.
    expect(slack.ephemeral.some((e) => e.user === "UAVERY" && e.text.includes("your own request"))).toBe(
      true,
    );
  });

  it("step-up: a high-risk approval in Slack answers with the confirmation link and counts only after a fresh sign-in", async () => {
    const req = await submit("requester", "vm.ssh");
    const fromSlack = await post(payload("UAVERY", "elevate_approve", req.id, actionTs()));
    expect(fromSlack.json.outcome).toBe("step_up");
    expect(fromSlack.json.text).toContain(`/requests/${req.id}/confirm`);
    expect(await approvalCount(db(), req.id)).toBe(0);

    // An API token carries no sign-in: refused too.
    const viaToken = decideRequest({
      ctx: await tokenCtx(db(), org.users.approver),
      input: { requestId: req.id, verdict: "approve", channel: "api" },
    });
    await expect(viaToken).rejects.toMatchObject({ code: "forbidden", field: "step_up" });

    // A portal session signed in an hour ago is too old; one signed in now counts.
    const session = async (ageMs: number) => {
      const token = randomBytes(16).toString("hex");
      await db()
        .insert(sessions)
        .values({
          sessionTokenHash: hashSessionToken(token),
          userId: org.users.approver.id,
          expires: new Date(Date.now() + 3_600_000),
          createdAt: new Date(Date.now() - ageMs),
        });
      const ctx = await userCtx(db(), org.users.approver);
      return { ...ctx, actor: { ...ctx.actor, sessionHash: hashSessionToken(token) } };
    };
    const stale = decideRequest({
      ctx: await session(3_600_000),
      input: { requestId: req.id, verdict: "approve" },
    });
    await expect(stale).rejects.toBeInstanceOf(AppError);
    expect(await approvalCount(db(), req.id)).toBe(0);
    const fresh = await decideRequest({
      ctx: await session(0),
      input: { requestId: req.id, verdict: "approve" },
    });
    expect(fresh.approvals).toHaveLength(1);

    // Deny needs no step-up.
    const other = await submit("requester", "vm.ssh");
    const denied = await post(payload("UJORDAN", "elevate_deny", other.id, actionTs()));
    expect(denied.json.outcome).toBe("denied");
  });

  it("ignores other buttons and refuses malformed payloads without a crash", async () => {
    const req = await submit("requester", "vm.restart");
    const open = await post(payload("UAVERY", "elevate_open", req.id, actionTs()));
    expect(open).toMatchObject({ status: 200, json: { outcome: "ignored" } });
    const notJson = await post("payload=%7Bnot-json");
    expect(notJson.status).toBe(400);
    const badId = await post(payload("UAVERY", "elevate_approve", "not-a-uuid", actionTs()));
    expect(badId.status).toBe(400);
    expect(badId.json.error).toMatch(/actions\[0\]\.value/);
  });
});
