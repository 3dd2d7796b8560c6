import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { accessRequests, slackInteractions, users } from "@/db/schema";
import { loadUserActor } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { portalUrl } from "@/lib/notify/context";
import { SLACK_APPROVE, SLACK_DENY } from "@/lib/notify/render";
import { decideRequest } from "@/lib/requests/decide";
import { confirmPath } from "@/lib/requests/step-up";
import type { WorkflowDriver } from "@/lib/workflows/port";
import { slackClient, verifiedEmailOf } from "./client";
import { verifySlackRequest } from "./verify";

/** What a button press led to; recorded once per press, so a retried delivery gets the same answer. */
export type SlackOutcome =
  | "approved"
  | "denied"
  | "recorded"
  | "step_up"
  | "unmapped"
  | "refused"
  | "not_found"
  | "ignored";

export type SlackAnswer = {
  status: number;
  body: { ok: boolean; outcome?: SlackOutcome; text?: string; error?: string };
};

// The parts of a block_actions payload Elevate reads (https://api.slack.com/reference/interaction-payloads/block-actions).
const BlockActions = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: z.string().min(1).max(64) }),
  channel: z.object({ id: z.string().min(1).max(64) }).optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string().max(255),
        value: z.string().max(255).optional(),
        action_ts: z.string().max(64),
      }),
    )
    .min(1),
});

const UUID = z.uuid();

/**
 * POST /api/slack/interactions: verifies Slack's signature over the raw body first (nothing is read or
 * written for an unsigned or stale request), then maps the Slack user to a person by verified email and
 * decides through the same verb as the portal (channel "slack"): self-approval, group membership, quorum
 * and step-up are the verb's. A retried delivery (X-Slack-Retry-Num, or the same press sent twice) finds
 * its recorded answer and decides nothing again.
 */
export async function handleSlackInteraction({
  db,
  workflows,
  rawBody,
  headers,
  nowSeconds,
}: {
  db: Db;
  workflows: WorkflowDriver;
  rawBody: string;
  headers: { timestamp: string | null; signature: string | null; retryNum: string | null };
  nowSeconds?: number;
}): Promise<SlackAnswer> {
  const secret = env().SLACK_SIGNING_SECRET;
  if (!secret) return { status: 404, body: { ok: false, error: "Slack is not configured" } };
  const verdict = verifySlackRequest(secret, headers, rawBody, nowSeconds);
  if (!verdict.ok)
    return { status: 401, body: { ok: false, error: `invalid Slack request: ${verdict.reason}` } };

  const form = new URLSearchParams(rawBody);
  let parsed: z.infer<typeof BlockActions>;
  try {
    const p = BlockActions.safeParse(JSON.parse(form.get("payload") ?? ""));
    if (!p.success) return { status: 200, body: { ok: true, outcome: "ignored" } };
    parsed = p.data;
  } catch {
    return { status: 400, body: { ok: false, error: "payload: not JSON" } };
  }
  const action = parsed.actions[0];
  if (action.action_id !== SLACK_APPROVE && action.action_id !== SLACK_DENY) {
    return { status: 200, body: { ok: true, outcome: "ignored" } };
  }
  const requestId = UUID.safeParse(action.value);
  if (!requestId.success)
    return { status: 400, body: { ok: false, error: "actions[0].value: not a request id" } };
  const slackUserId = parsed.user.id;
  const dedupeKey = `${slackUserId}:${action.action_ts}:${action.action_id}:${requestId.data}`;

  const [seen] = await db
    .select({ outcome: slackInteractions.outcome, message: slackInteractions.message })
    .from(slackInteractions)
    .where(eq(slackInteractions.dedupeKey, dedupeKey));
  if (seen) {
    return { status: 200, body: { ok: true, outcome: seen.outcome as SlackOutcome, text: seen.message } };
  }

  const out = await decideFromSlack(db, workflows, {
    slackUserId,
    requestId: requestId.data,
    verdict: action.action_id === SLACK_APPROVE ? "approve" : "deny",
  });
  await db
    .insert(slackInteractions)
    .values({
      orgId: out.orgId,
      dedupeKey,
      requestId: out.orgId ? requestId.data : null,
      slackUserId,
      userId: out.userId,
      action: action.action_id,
      outcome: out.outcome,
      message: out.text,
    })
    .onConflictDoNothing({ target: slackInteractions.dedupeKey });
  if (parsed.channel) await tell(parsed.channel.id, slackUserId, out.text);
  if (headers.retryNum) logger.info({ retryNum: headers.retryNum, outcome: out.outcome }, "Slack retry");
  return { status: 200, body: { ok: true, outcome: out.outcome, text: out.text } };
}

async function decideFromSlack(
  db: Db,
  workflows: WorkflowDriver,
  p: { slackUserId: string; requestId: string; verdict: "approve" | "deny" },
): Promise<{ outcome: SlackOutcome; text: string; orgId: string | null; userId: string | null }> {
  const [request] = await db
    .select({ orgId: accessRequests.orgId })
    .from(accessRequests)
    .where(eq(accessRequests.id, p.requestId));
  if (!request)
    return { outcome: "not_found", text: "This request does not exist.", orgId: null, userId: null };
  const { orgId } = request;
  const email = await verifiedEmailOf(p.slackUserId).catch(() => null);
  const [person] = email
    ? await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.orgId, orgId), sql`lower(${users.email}) = ${email}`, isNull(users.disabledAt)))
    : [];
  if (!person) {
    return {
      outcome: "unmapped",
      text: "Your Slack account is not linked to an Elevate user (no verified email matching one): decide in the portal.",
      orgId,
      userId: null,
    };
  }
  const loaded = await loadUserActor(db, person.id, "slack");
  if (!loaded || loaded.orgId !== orgId) {
    return { outcome: "unmapped", text: "Your Elevate user is disabled.", orgId, userId: person.id };
  }
  const ctx = { actor: loaded.actor, orgId, db, workflows };
  try {
    const dto = await decideRequest({
      ctx,
      input: { requestId: p.requestId, verdict: p.verdict, channel: "slack" },
    });
    const outcome: SlackOutcome =
      dto.status === "approved" ? "approved" : dto.status === "denied" ? "denied" : "recorded";
    const text =
      outcome === "recorded"
        ? `Your approval is recorded (${dto.approvals.filter((a) => a.verdict === "approve").length} of ${dto.approvalsRequired}).`
        : `You ${outcome} the request.`;
    return { outcome, text, orgId, userId: person.id };
  } catch (err) {
    if (err instanceof AppError && err.field === "step_up") {
      return {
        outcome: "step_up",
        text: `This request needs a fresh sign-in before your approval counts: confirm at ${portalUrl()}${confirmPath(p.requestId)}`,
        orgId,
        userId: person.id,
      };
    }
    if (err instanceof AppError) return { outcome: "refused", text: err.message, orgId, userId: person.id };
    throw err;
  }
}

/** Best effort: the person sees the outcome in Slack; the message itself is updated by the notifier. */
async function tell(channel: string, user: string, text: string): Promise<void> {
  try {
    await slackClient().chat.postEphemeral({ channel, user, text });
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, "Slack ephemeral answer failed");
  }
}
