import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, reportSchedules } from "@/db/schema";
import { InngestTestEngine, testDeps } from "@/inngest/__tests__/helpers";
import { createReportSchedules } from "@/inngest/functions/report-schedules";
import { SIGNATURE_HEADER } from "@/lib/delivery/webhook";
import { resetEnv } from "@/lib/env";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { startTestSmtp } from "@/lib/testing/smtp";
import {
  createReportSchedule,
  listReportSchedules,
  MAX_DELIVERY_ATTEMPTS,
  runDueReportSchedules,
  startReportScheduleTimer,
} from "../schedules";
import { readMime } from "./mime";

let h: DbHandle;
let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
beforeAll(async () => {
  h = await openTestDb();
  smtp = await startTestSmtp();
});
afterAll(async () => {
  await smtp?.close();
  await h?.close();
});
afterEach(() => {
  delete process.env.ELEVATE_SMTP_URL;
  resetEnv();
});

const actions = async (orgId: string, subjectId: string) =>
  (
    await h.db
      .select({ action: auditEvents.action, data: auditEvents.data })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.subjectId, subjectId)))
      .orderBy(auditEvents.seq)
  ).map((e) => e.action);

async function until(check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("scheduled reports", () => {
  it("arrives at a real SMTP server as a mail with the PDF attached, driven by the embedded timer", async () => {
    const org = await createTestOrg(h.db);
    await activeGrantFor(h.db, org, "requester", {
      targetId: org.targets.aws.id,
      templateId: org.templates[0].id,
    });
    const admin = await userCtx(h.db, org.users.admin);
    const schedule = await createReportSchedule({
      ctx: admin,
      input: {
        name: "Weekly access",
        channel: "email",
        recipients: ["Audit@Example.com"],
        format: "pdf",
        periodDays: 7,
        firstRunAt: new Date(Date.now() + 86_400_000),
      },
    });
    expect(schedule.recipients).toEqual(["audit@example.com"]);
    // Not due yet: nothing is sent.
    expect(await runDueReportSchedules({ db: h.db, orgId: org.org.id, smtpUrl: smtp.url })).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
    await h.db
      .update(reportSchedules)
      .set({ nextRunAt: new Date() })
      .where(eq(reportSchedules.id, schedule.id));

    process.env.ELEVATE_SMTP_URL = smtp.url;
    resetEnv();
    const before = smtp.messages.length;
    const stop = startReportScheduleTimer({ db: h.db, intervalMs: 50 });
    try {
      await until(
        () => smtp.messages.some((m) => m.to.includes("audit@example.com")) && smtp.messages.length > before,
      );
      // The server has the message before the pass records the delivery: wait for that too.
      await expect
        .poll(
          async () =>
            (await h.db.select().from(reportSchedules).where(eq(reportSchedules.id, schedule.id)))[0]
              .lastStatus,
          { timeout: 10_000 },
        )
        .toBe("delivered");
    } finally {
      stop();
    }
    const message = smtp.messages.filter((m) => m.to.includes("audit@example.com")).at(-1)!;
    const mail = readMime(message.raw);
    expect(mail.headers.get("subject")).toMatch(
      /^Elevate: Weekly access \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\)$/,
    );
    const [text, pdf] = mail.parts;
    expect(text.body.toString("utf8")).toContain("1 grants");
    expect(mail.parts).toHaveLength(2);
    expect(pdf.headers.get("content-type")).toMatch(/^application\/pdf/);
    expect(pdf.body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect((await PDFDocument.load(pdf.body)).getTitle()).toBe("Elevate access report");

    const [row] = await h.db.select().from(reportSchedules).where(eq(reportSchedules.id, schedule.id));
    expect(row).toMatchObject({ lastStatus: "delivered", attempts: 0 });
    expect(row.nextRunAt.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(await actions(org.org.id, schedule.id)).toEqual(["report_schedule.created", "report.delivered"]);
  });

  it("is delivered by the Inngest cron function too", async () => {
    const org = await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    const schedule = await createReportSchedule({
      ctx: admin,
      input: {
        name: "Daily CSV",
        channel: "email",
        recipients: ["cron@example.com"],
        format: "csv",
        periodDays: 1,
      },
    });
    process.env.ELEVATE_SMTP_URL = smtp.url;
    resetEnv();
    const { deps } = testDeps(h.db, org.org.id);
    const run = await new InngestTestEngine({
      function: createReportSchedules(deps),
      events: [{ name: "inngest/scheduled.timer", data: { cron: "*/5 * * * *" } }],
    }).execute();
    expect(run.result).toEqual({
      delivered: 1,
      retrying: 0,
      failed: 0,
      reminders: { reminded: 0, failed: 0 },
    });
    const mail = readMime(smtp.messages.filter((m) => m.to.includes("cron@example.com")).at(-1)!.raw);
    const csv = mail.parts[1];
    expect(csv.headers.get("content-disposition")).toMatch(/filename="?elevate-access-.*\.csv/);
    expect(csv.body.toString("utf8").split("\r\n")[0]).toMatch(/^section,group,grant_id/);
    expect(await actions(org.org.id, schedule.id)).toContain("report.delivered");
  });

  it("retries a failed delivery with backoff, then gives the run up, audited", async () => {
    const org = await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    const schedule = await createReportSchedule({
      ctx: admin,
      input: { name: "Broken mail", channel: "email", recipients: ["x@example.com"], periodDays: 7 },
    });
    // A port nothing listens on: the SMTP connection is refused.
    const dead = "smtp://127.0.0.1:1";
    let now = new Date();
    for (let i = 1; i < MAX_DELIVERY_ATTEMPTS; i++) {
      expect(await runDueReportSchedules({ db: h.db, orgId: org.org.id, now, smtpUrl: dead })).toEqual({
        delivered: 0,
        retrying: 1,
        failed: 0,
      });
      const [row] = await h.db.select().from(reportSchedules).where(eq(reportSchedules.id, schedule.id));
      expect(row).toMatchObject({ attempts: i, lastStatus: "retrying" });
      expect(row.nextRunAt.getTime()).toBeGreaterThan(now.getTime());
      // Not due again until the backoff has passed.
      expect(await runDueReportSchedules({ db: h.db, orgId: org.org.id, now, smtpUrl: dead })).toEqual({
        delivered: 0,
        retrying: 0,
        failed: 0,
      });
      now = row.nextRunAt;
    }
    expect(await runDueReportSchedules({ db: h.db, orgId: org.org.id, now, smtpUrl: dead })).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 1,
    });
    const [row] = await h.db.select().from(reportSchedules).where(eq(reportSchedules.id, schedule.id));
    expect(row).toMatchObject({ attempts: 0, lastStatus: "failed" });
    expect(await actions(org.org.id, schedule.id)).toEqual([
      "report_schedule.created",
      "report.delivery_failed",
    ]);
  });

  it("posts a signed webhook that verifies with the HMAC computed independently", async () => {
    const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
    let answer = 503;
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const org = await createTestOrg(h.db);
      const admin = await userCtx(h.db, org.users.admin);
      const secret = "whsec_test_0123456789abcdef";
      await createReportSchedule({
        ctx: admin,
        input: { name: "Hook", channel: "webhook", webhookUrl: url, webhookSecret: secret, format: "json" },
      });
      // A 503 is retried.
      expect(await runDueReportSchedules({ db: h.db, orgId: org.org.id })).toMatchObject({ retrying: 1 });
      answer = 204;
      const later = new Date(Date.now() + 2 * 60_000);
      expect(await runDueReportSchedules({ db: h.db, orgId: org.org.id, now: later })).toMatchObject({
        delivered: 1,
      });
      expect(received).toHaveLength(2);
      const { headers, body } = received[1];
      const [t, v1] = String(headers[SIGNATURE_HEADER]).split(",");
      const ts = t.replace("t=", "");
      expect(v1).toBe(`v1=${createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex")}`);
      const payload = JSON.parse(body);
      expect(payload).toMatchObject({
        type: "elevate.report.access",
        encoding: "utf8",
        contentType: "application/json",
      });
      expect(JSON.parse(payload.content).standingAccess.accounted).toBe(true);
      // The secret is never read back.
      expect(JSON.stringify(await listReportSchedules({ ctx: admin }))).not.toContain(secret);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("refuses bad configuration naming the field, private webhook addresses, and non-admins", async () => {
    const org = await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    const bad = (input: Record<string, unknown>) =>
      createReportSchedule({ ctx: admin, input: { name: "x", ...input } as never });
    // A form sends every field as a string: addresses in one field, blanks for what is not used.
    const fromForm = await bad({
      channel: "email",
      recipients: "a@example.com; B@example.com",
      webhookUrl: "",
      webhookSecret: "",
      periodDays: "",
      format: "",
    }).catch((e: unknown) => e);
    expect(fromForm).toMatchObject({
      recipients: ["a@example.com", "b@example.com"],
      periodDays: 7,
      format: "pdf",
    });
    await h.db
      .update(reportSchedules)
      .set({ disabledAt: new Date() })
      .where(eq(reportSchedules.orgId, org.org.id));
    await expect(bad({ channel: "email", recipients: [] })).rejects.toMatchObject({
      code: "validation",
      field: "recipients",
    });
    await expect(bad({ channel: "email", recipients: ["not-an-address"] })).rejects.toMatchObject({
      code: "validation",
    });
    await expect(
      bad({ channel: "webhook", webhookUrl: "http://10.0.0.5/hook", webhookSecret: "0123456789abcdef" }),
    ).rejects.toMatchObject({ field: "webhookUrl", message: expect.stringMatching(/private/) });
    await expect(
      bad({
        channel: "webhook",
        webhookUrl: "http://169.254.169.254/latest",
        webhookSecret: "0123456789abcdef",
      }),
    ).rejects.toMatchObject({ field: "webhookUrl", message: expect.stringMatching(/metadata/) });
    await expect(
      bad({
        channel: "webhook",
        webhookUrl: "http://hooks.example.com/x",
        webhookSecret: "0123456789abcdef",
      }),
    ).rejects.toMatchObject({ field: "webhookUrl" });
    await expect(
      bad({ channel: "webhook", webhookUrl: "https://hooks.example.com/x" }),
    ).rejects.toMatchObject({ field: "webhookSecret" });
    await expect(
      bad({ channel: "email", recipients: ["a@example.com"], periodDays: 0 }),
    ).rejects.toMatchObject({ field: "periodDays" });
    const auditor = await userCtx(h.db, org.users.auditor);
    await expect(
      createReportSchedule({
        ctx: auditor,
        input: { name: "x", channel: "email", recipients: ["a@example.com"] },
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    // Only the one made from the form fields, none of the refused ones.
    expect(
      await h.db.select().from(reportSchedules).where(eq(reportSchedules.orgId, org.org.id)),
    ).toHaveLength(1);
  });
});
