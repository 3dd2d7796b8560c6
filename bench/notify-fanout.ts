import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { eq } from "drizzle-orm";
import { openDb } from "@/db/client";
import { groups, memberships, notificationSettings, users } from "@/db/schema";
import { seedOrg } from "@/db/seed/org";
import { loadUserActor } from "@/lib/auth/actor";
import { closeMailTransports } from "@/lib/delivery/email";
import { env, resetEnv } from "@/lib/env";
import { logger } from "@/lib/log";
import { notifyOnce } from "@/lib/notify/loop";
import { decideRequest } from "@/lib/requests/decide";
import { submitRequest } from "@/lib/requests/submit";
import { FAKE_SLACK_TOKEN, startFakeSlack } from "@/lib/slack/fake";
import { startTestSmtp } from "@/lib/testing/smtp";
import { createInlineDriver } from "@/lib/workflows/inline";
import { host, summary } from "./stats";

export type NotifyFanoutOptions = { approvers?: number };

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Notification fan-out (issue 15): one request routed to 1,000 approvers who each chose email and Slack,
 * delivered through the real path — audit chain → collector → outbox → inline workflow driver →
 * nodemailer (pooled) to smtp-server on loopback and @slack/web-api to the Slack wire fake. Latency is
 * from the commit of the event to each message's arrival at the server, with the notification pass started
 * right after the commit (a running server starts it on its timer: add up to ELEVATE_NOTIFY_INTERVAL_MS).
 * Two phases: the new request (email + DM per approver) and the decision (every approver's DM updated by
 * chat.update, plus the requester's message). DATABASE_URL when set, else in-memory PGlite.
 */
export async function run(opts: NotifyFanoutOptions = {}): Promise<Record<string, unknown>> {
  const n = opts.approvers ?? 1000;
  const smtp = await startTestSmtp();
  const slack = await startFakeSlack();
  // Arrival times at the SMTP server, stamped as each message is stored.
  const arrivals: number[] = [];
  const push = smtp.messages.push.bind(smtp.messages);
  smtp.messages.push = (...items) => {
    for (const _ of items) arrivals.push(performance.now());
    return push(...items);
  };
  Object.assign(process.env, {
    ELEVATE_SMTP_URL: smtp.url,
    SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
    SLACK_API_URL: slack.url,
    ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE: "100000",
    ELEVATE_RATE_LIMIT_DECIDE_PER_MINUTE: "100000",
  });
  delete process.env.SLACK_APPROVER_CHANNEL;
  resetEnv();
  const handle = await openDb({ url: env().DATABASE_URL, dataDir: null });
  const { db } = handle;
  const driver = createInlineDriver({ db, reconcileIntervalMs: 3_600_000 });
  try {
    const slug = `notifybench-${Date.now().toString(36)}`;
    const org = await seedOrg(db, { slug, name: "Notify bench" });
    const orgId = org.org.id;
    const approverGroup = (await db.select().from(groups).where(eq(groups.orgId, orgId))).find(
      (g) => g.name === "approvers",
    );
    if (!approverGroup) throw new Error("seed has no approvers group");
    // 1,000 approvers, each with email and Slack (and a Slack account the fake knows by email).
    const people = Array.from({ length: n }, (_, i) => ({
      orgId,
      email: `fanout${i}@${slug}.example`,
      name: `Approver ${i}`,
      subject: `bench|${slug}|${i}`,
      localRoles: ["requester" as const],
    }));
    const made = await db.insert(users).values(people).returning({ id: users.id, email: users.email });
    await db
      .insert(memberships)
      .values(made.map((u) => ({ orgId, groupId: approverGroup.id, userId: u.id })));
    await db
      .insert(notificationSettings)
      .values(made.map((u) => ({ userId: u.id, orgId, channels: ["email" as const, "slack" as const] })));
    made.forEach((u, i) => {
      slack.users.push({ id: `UB${String(i).padStart(6, "0")}`, email: u.email, name: `approver${i}` });
    });
    const ctxOf = async (userId: string) => {
      const loaded = await loadUserActor(db, userId);
      if (!loaded) throw new Error("bench user missing");
      return { actor: loaded.actor, orgId, db, workflows: driver };
    };

    // Phase 1: a new request reaches every approver (the two seeded approvers too).
    const req = await submitRequest({
      ctx: await ctxOf(org.users.requester.id),
      input: {
        targetId: org.targets.aws.id,
        templateId: org.template("logs.read").id,
        durationMinutes: 30,
        justification: "bench fan-out",
      },
    });
    const t0 = performance.now();
    const out1 = await notifyOnce({ db, workflows: driver, orgId });
    await driver.idle();
    const posts = slack.calls.filter((c) => c.method === "chat.postMessage");
    const created = [
      ...arrivals.map((a) => a - t0),
      ...posts.map((c) => c.at - (t0 + performance.timeOrigin)),
    ];
    const phase1Ms = performance.now() - t0;

    // Phase 2: a decision updates every approver's Slack message and tells the requester.
    const arrivalsBefore = arrivals.length;
    await decideRequest({
      ctx: await ctxOf(made[0].id),
      input: { requestId: req.id, verdict: "approve" },
    });
    const t1 = performance.now();
    const out2 = await notifyOnce({ db, workflows: driver, orgId });
    await driver.idle();
    const updates = slack.calls.filter((c) => c.method === "chat.update");
    const decided = [
      ...updates.map((c) => c.at - (t1 + performance.timeOrigin)),
      ...arrivals.slice(arrivalsBefore).map((a) => a - t1),
    ];
    const phase2Ms = performance.now() - t1;
    const emails = smtp.messages.length;
    return {
      bench: "notify-fanout",
      db: env().dbKind,
      approvers: n + 2,
      newRequest: {
        deliveries: out1.collected,
        emailsReceived: arrivalsBefore,
        slackPosted: posts.length,
        totalMs: round(phase1Ms),
        ...summary(created, [50, 95, 99]),
      },
      decision: {
        deliveries: out2.collected,
        slackUpdated: updates.length,
        requesterEmails: emails - arrivalsBefore,
        totalMs: round(phase2Ms),
        ...summary(decided, [50, 95, 99]),
      },
      note: "ms from commit to arrival, pass started at commit; a server's timer adds up to ELEVATE_NOTIFY_INTERVAL_MS",
      host: host(),
    };
  } finally {
    await driver.stop();
    await handle.close();
    closeMailTransports();
    await smtp.close();
    await slack.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  logger.level = "silent";
  run().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      const cause = (err as { cause?: unknown }).cause;
      process.stderr.write(
        `${err instanceof Error ? err.message.slice(0, 300) : String(err)}\ncause: ${String(cause)}\n`,
      );
      process.exit(1);
    },
  );
}
