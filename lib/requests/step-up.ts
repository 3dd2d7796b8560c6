import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type Risk, sessions, targets, taskTemplates } from "@/db/schema";
import type { Catalog } from "@/lib/catalog/catalog";
import type { PersonActor } from "@/lib/ctx";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { RequestRow } from "./queries";
import { requestRisk } from "./role-source";

/** The web confirmation that asks for a fresh sign-in (app/requests/[id]/confirm). */
export const confirmPath = (requestId: string) => `/requests/${requestId}/confirm`;

/**
 * Step-up: when the request's stored policy outcome says `stepUp`, or, for a request older than the policy
 * engine (no outcome), when its risk is in ELEVATE_STEP_UP_RISKS (default: high), an approval counts only
 * from a person who signed in at most ELEVATE_STEP_UP_MAX_AGE_SECONDS ago, in the portal. API tokens and
 * Slack carry no sign-in, so they are sent to the confirmation page.
 */
export async function stepUpRequired(db: Db, request: RequestRow, catalog: Catalog | null): Promise<boolean> {
  const said = outcomeSays(request.policyOutcome);
  if (said !== null) return said;
  if (stepUpRisks().length === 0) return false;
  const [target] = await db
    .select({ cloud: targets.cloud })
    .from(targets)
    .where(eq(targets.id, request.targetId));
  const [template] = request.templateId
    ? await db
        .select({ risk: taskTemplates.risk })
        .from(taskTemplates)
        .where(eq(taskTemplates.id, request.templateId))
    : [];
  if (!target) return true;
  return needsStepUp(null, requestRisk(catalog, target.cloud, template ?? null, request.permissions));
}

type OutcomeLike = { stepUp?: unknown } | null | undefined;
const outcomeSays = (o: OutcomeLike) => (o && typeof o.stepUp === "boolean" ? o.stepUp : null);

/** The one rule, for the verb and for what messages promise (lib/notify): the outcome, else the risk. */
export function needsStepUp(outcome: OutcomeLike, risk: Risk): boolean {
  return outcomeSays(outcome) ?? stepUpRisks().includes(risk);
}

/** The risks needing step-up when no policy outcome says (ELEVATE_STEP_UP_RISKS). */
function stepUpRisks(): Risk[] {
  return env().ELEVATE_STEP_UP_RISKS.split(",").filter(Boolean) as Risk[];
}

/** When the actor's portal session began, or null (API token, Slack, no session). */
export async function signedInAt(db: Db, actor: PersonActor): Promise<Date | null> {
  if (actor.type !== "user" || !actor.sessionHash) return null;
  const [row] = await db
    .select({ createdAt: sessions.createdAt })
    .from(sessions)
    .where(and(eq(sessions.sessionTokenHash, actor.sessionHash), eq(sessions.userId, actor.userId)));
  return row?.createdAt ?? null;
}

/** Throws `step_up_required` (403) unless the actor signed in to the portal recently enough. */
export async function assertFreshSignIn(db: Db, actor: PersonActor, requestId: string, now = new Date()) {
  const at = await signedInAt(db, actor);
  const maxAgeMs = env().ELEVATE_STEP_UP_MAX_AGE_SECONDS * 1000;
  if (at && now.getTime() - at.getTime() <= maxAgeMs) return;
  throw new AppError(
    "forbidden",
    `This request requires step-up: confirm it in the portal after a fresh sign-in (${confirmPath(requestId)})`,
    "step_up",
  );
}
