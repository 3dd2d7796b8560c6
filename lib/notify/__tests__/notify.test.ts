import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { notificationDeliveries } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { closeMailTransports } from "@/lib/delivery/email";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "@/lib/delivery/webhook";
import { resetEnv } from "@/lib/env";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { decideRequest } from "@/lib/requests/decide";
import { submitRequest } from "@/lib/requests/submit";
import { FAKE_SLACK_TOKEN, type FakeSlack, startFakeSlack } from "@/lib/slack/fake";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { startTestSmtp } from "@/lib/testing/smtp";
import { createInlineDriver, type InlineDriver } from "@/lib/workflows/inline";
import { recordAlert } from "../collect";
import { notifyOnce } from "../loop";
import { updateNotificationSettings } from "../settings";

// Real parts: Postgres/PGlite, nodemailer → smtp-server, @slack/web-api → the Slack wire fake, a loopback
// webhook receiver, and the real inline workflow driver (provisioning on the sandbox cloud).
let h: DbHandle;
let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
let slack: FakeSlack;
let hook: Server;
let hookUrl: string;
let hookStatus = 200;
const hookBodies: { header: string; body: string }[] = [];
let driver: InlineDriver;
let org: SeededOrg;

/** The message with quoted-printable soft breaks and escapes undone (RFC 2045 §6.7), as a mail client shows it. */
const decodeQp = (raw: string) =>
  raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
const mailTo = (email: string) =>
  smtp.messages.filter((m) => m.to.includes(email)).map((m) => ({ ...m, raw: decodeQp(m.raw) }));

beforeAll(async () => {
  smtp = await startTestSmtp();
  slack = await startFakeSlack();
  hook = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      hookBodies.push({ header: String(req.headers[SIGNATURE_HEADER]), body });
      res.statusCode = hookStatus;
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/elevate`;
  Object.assign(process.env, {
    ELEVATE_SMTP_URL: smtp.url,
    ELEVATE_MAIL_FROM: "Elevate <elevate@acme.example>",
    SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
    SLACK_API_URL: slack.url,
  });
  delete process.env.SLACK_APPROVER_CHANNEL;
  resetEnv();
  h = await openTestDb();
  driver = createInlineDriver({ db: h.db, reconcileIntervalMs: 60_000 });
  org = await createTestOrg(h.db);
  const u = org.users;
  slack.users.push(
    { id: "UAPPROVER1", email: u.approver.email, name: "avery" },
    { id: "UREQUESTER", email: u.requester.email, name: "riley" },
  );
  await updateNotificationSettings({
    ctx: await userCtx(h.db, u.approver),
    input: { channels: ["email", "slack"] },
  });
  await updateNotificationSettings({
    ctx: await userCtx(h.db, u.approver2),
    input: { channels: ["email", "webhook"], webhookUrl: hookUrl },
  });
  await updateNotificationSettings({
    ctx: await userCtx(h.db, u.requester),
    input: { channels: ["email", "slack"] },
  });
});

afterAll(async () => {
  await driver?.stop();
  await h?.close();
  closeMailTransports();
  await smtp?.close();
  await slack?.stop();
  await new Promise<void>((r) => hook.close(() => r()));
  for (const k of ["ELEVATE_SMTP_URL", "ELEVATE_MAIL_FROM", "SLACK_BOT_TOKEN", "SLACK_API_URL"])
    delete process.env[k];
  resetEnv();
});

describe("notifications through one port", () => {
  let requestId: string;
  let grantId: string;

  it("a new request reaches its approvers on the channels each chose, once", async () => {
    const { users: u } = org;
    const req = await submitRequest({
      ctx: await userCtx(h.db, u.requester, driver),
      input: {
        targetId: org.targets.aws.id,
        templateId: org.template("vm.restart").id,
        resource: "i-0abc1234",
        durationMinutes: 30,
        justification: "INC-7 restart the stuck worker",
      },
    });
    requestId = req.id;
    const out = await notifyOnce({ db: h.db, workflows: driver, orgId: org.org.id });
    expect(out.collected).toBe(4); // approver: email + slack; approver2: email + webhook

    const [avery] = mailTo(u.approver.email);
    expect(avery.raw).toContain("Approval needed: Riley Requester asks for");
    expect(avery.raw).toContain("INC-7 restart the stuck worker");
    expect(mailTo(u.approver2.email)).toHaveLength(1);
    expect(mailTo(u.requester.email)).toHaveLength(0);

    // Slack DM with the approver's context and the two buttons.
    const dms = [...slack.messages.values()].filter((m) => m.channel === "DAPPROVER1");
    expect(dms).toHaveLength(1);
    const blocks = JSON.stringify(dms[0].blocks);
    expect(blocks).toContain("elevate_approve");
    expect(blocks).toContain("elevate_deny");
    expect(blocks).toContain("*Risk*\\nmedium");
    expect(blocks).toContain("*Permissions*");
    expect(blocks).toContain("Recent requests by Riley Requester");

    // Signed webhook the receiver verifies with the secret shown to its owner.
    expect(hookBodies).toHaveLength(1);
    const [settings] = await h.db.query.notificationSettings.findMany({
      where: (s, { eq: e }) => e(s.userId, u.approver2.id),
    });
    const now = Math.floor(Date.now() / 1000);
    expect(
      verifyWebhookSignature(String(settings.webhookSecret), hookBodies[0].header, hookBodies[0].body, now),
    ).toBe(true);
    expect(JSON.parse(hookBodies[0].body)).toMatchObject({
      event: "request.created",
      request: { id: requestId },
    });

    // Collecting again sends nothing twice.
    expect((await notifyOnce({ db: h.db, workflows: driver, orgId: org.org.id })).collected).toBe(0);
    expect(mailTo(u.approver.email)).toHaveLength(1);
  });

  it("a decision reaches the requester, updates every Slack message, and the live grant says how to use it", async () => {
    const { users: u } = org;
    const dto = await decideRequest({
      ctx: await userCtx(h.db, u.approver, driver),
      input: { requestId, verdict: "approve", channel: "web" },
    });
    await driver.idle();
    grantId = dto.grants[0].id;
    await notifyOnce({ db: h.db, workflows: driver, orgId: org.org.id });

    const riley = mailTo(u.requester.email).map((m) => m.raw);
    expect(riley.some((r) => r.includes("Subject: Your request was approved"))).toBe(true);
    const active = riley.find((r) => r.includes("Subject: Your access is active"));
    expect(active).toContain("How to use it:");
    expect(active).toContain("aws sts assume-role");

    const dm = [...slack.messages.values()].find((m) => m.channel === "DAPPROVER1");
    expect(dm?.updates).toBe(1);
    expect(JSON.stringify(dm?.blocks)).not.toContain("elevate_approve");
    expect(JSON.stringify(dm?.blocks)).toContain("Approved: approved by Avery Approver (web)");
  });

  it("warns ten minutes before expiry with an extend link, once per expiry time", async () => {
    const { users: u } = org;
    const [g] = await h.db.query.grants.findMany({ where: (t, { eq: e }) => e(t.id, grantId) });
    const at = new Date(g.expiresAt!.getTime() - 9 * 60_000);
    await notifyOnce({ db: h.db, workflows: driver, orgId: org.org.id, now: at });
    await notifyOnce({
      db: h.db,
      workflows: driver,
      orgId: org.org.id,
      now: new Date(at.getTime() + 60_000),
    });
    const warnings = mailTo(u.requester.email).filter((m) => m.raw.includes("Subject: Your access on"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].raw).toMatch(/Extend: http:\/\/localhost:3000\/requests\/[0-9a-f-]+#extend/);
  });

  it("a revocation reaches the grant's user", async () => {
    const { users: u } = org;
    await revokeGrant({
      ctx: await userCtx(h.db, u.admin, driver),
      input: { grantId, reason: "INC-7 closed" },
    });
    await driver.idle();
    await notifyOnce({ db: h.db, workflows: driver, orgId: org.org.id });
    const revoked = mailTo(u.requester.email).find((m) => m.raw.includes("was revoked"));
    expect(revoked?.raw).toContain("INC-7 closed");
  });

  it("alerts reach admins, once per alert however often it is raised", async () => {
    const alert = {
      orgId: org.org.id,
      kind: "workflow.failed",
      grantId: null,
      message: "usage-pull failed",
      runId: "run-1",
    };
    const ids = await recordAlert(h.db, alert);
    expect(ids).toHaveLength(1); // the admin's email
    expect(await recordAlert(h.db, alert)).toHaveLength(0);
    await driver.dispatch([{ name: "notification.deliver", orgId: org.org.id, deliveryIds: ids }]);
    expect(mailTo(org.users.admin.email)[0].raw).toContain("usage-pull failed");
  });

  it("a failed webhook is retried by the driver with backoff until it is delivered", async () => {
    const { users: u } = org;
    hookStatus = 503;
    const before = hookBodies.length;
    await submitRequest({
      ctx: await userCtx(h.db, u.requester, driver),
      input: {
        targetId: org.targets.gcp.id,
        templateId: org.template("logs.read").id,
        durationMinutes: 30,
        justification: "INC-8 read the logs",
      },
    });
    await notifyOnce({ db: h.db, workflows: driver, orgId: org.org.id });
    expect(hookBodies.length).toBe(before + 1);
    const [pending] = await h.db
      .select()
      .from(notificationDeliveries)
      .where(
        and(eq(notificationDeliveries.channel, "webhook"), eq(notificationDeliveries.status, "pending")),
      );
    expect(pending.attempts).toBe(1);
    expect(pending.lastError).toContain("503");
    // Not due yet: nothing is sent.
    await notifyOnce({ db: h.db, workflows: driver, orgId: org.org.id });
    expect(hookBodies.length).toBe(before + 1);
    hookStatus = 200;
    // The backoff has elapsed: the next pass hands the delivery back to the driver.
    await h.db
      .update(notificationDeliveries)
      .set({ nextAttemptAt: new Date(Date.now() - 1000) })
      .where(eq(notificationDeliveries.id, pending.id));
    await notifyOnce({ db: h.db, workflows: driver, orgId: org.org.id });
    expect(hookBodies.length).toBe(before + 2);
    const [done] = await h.db
      .select()
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.id, pending.id));
    expect(done).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("refuses a webhook URL the endpoint policy refuses, naming the field", async () => {
    await expect(
      updateNotificationSettings({
        ctx: await userCtx(h.db, org.users.approver2),
        input: { channels: ["webhook"], webhookUrl: "https://10.0.0.8/hook" },
      }),
    ).rejects.toMatchObject({ code: "validation", field: "webhookUrl" });
  });
});
