import { randomUUID } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import type { InngestFunction } from "inngest";
import { vi } from "vitest";
import type { Db } from "@/db/client";
import { auditEvents, grants, sandboxBindings, sandboxCalls } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { decideRequest, submitRequest } from "@/lib/requests";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg } from "@/lib/testing/db";
import { recordingDriver, type WorkflowEvent } from "@/lib/workflows/port";
import type { FunctionDeps } from "../deps";
import { grantScheduled } from "../events";
import { createGrantLifecycle } from "../functions/grant-lifecycle";

/** Functions under test run the real verbs on the test database; follow-up dispatches are recorded. */
export function testDeps(db: Db, orgId: string) {
  const workflows = recordingDriver();
  const deps: FunctionDeps = { db: async () => db, workflows: () => workflows, reconcile: { orgId } };
  return { deps, workflows };
}

/**
 * A request submitted and approved through the real verbs; returns the `request.approved` event the
 * decision dispatched (what the Inngest driver would send) and the scheduled grant.
 */
export async function approvedRequest(db: Db, org: SeededOrg, durationMinutes = 30) {
  const requester = await userCtx(db, org.users.requester);
  const approver = await userCtx(db, org.users.approver);
  const submitted = await submitRequest({
    ctx: requester,
    input: {
      targetId: org.targets.aws.id,
      templateId: org.template("logs.read").id,
      durationMinutes,
      justification: "debug INC-7",
    },
  });
  await decideRequest({ ctx: approver, input: { requestId: submitted.id, verdict: "approve" } });
  const approved = approver.workflows.events.find(
    (e): e is Extract<WorkflowEvent, { name: "request.approved" }> => e.name === "request.approved",
  );
  if (!approved) throw new Error("decideRequest dispatched no request.approved");
  const [grant] = await db.select().from(grants).where(eq(grants.requestId, submitted.id));
  return { requestId: submitted.id, grant, approved };
}

/** A scheduled grant (real verbs), its lifecycle function on the test database, and the event that starts it. */
export async function lifecycleSetup(db: Db) {
  const org = await createTestOrg(db);
  const { deps } = testDeps(db, org.org.id);
  const { grant, requestId } = await approvedRequest(db, org);
  const fn = createGrantLifecycle(deps);
  const event = {
    name: grantScheduled.name,
    data: { orgId: org.org.id, requestId, grantId: grant.id, targetId: grant.targetId },
  };
  return {
    org,
    grant,
    requestId,
    fn,
    event,
    engine: new InngestTestEngine({ function: fn, events: [event] }),
  };
}

export async function grantRow(db: Db, id: string) {
  const [row] = await db.select().from(grants).where(eq(grants.id, id));
  return row;
}

export async function auditActions(db: Db, orgId: string, subjectId: string): Promise<string[]> {
  const rows = await db
    .select({ action: auditEvents.action })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.subjectId, subjectId)))
    .orderBy(auditEvents.seq);
  return rows.map((r) => r.action);
}

export const countOf = (actions: string[], action: string) => actions.filter((a) => a === action).length;

/** Cloud calls the sandbox has served for a target: a no-op run must not add any. */
export async function cloudCalls(db: Db, targetId: string): Promise<number> {
  const [row] = await db.select().from(sandboxCalls).where(eq(sandboxCalls.targetId, targetId));
  return row?.count ?? 0;
}

export async function bindingsOf(db: Db, targetId: string) {
  return db.select().from(sandboxBindings).where(eq(sandboxBindings.targetId, targetId));
}

/**
 * The mocked `step.sleepUntil`: Inngest would resume the run at the requested time, so the test moves the
 * clock there (Date only; real timers keep running) before the next step runs the real verbs.
 */
export function wakeAt(time: () => Promise<Date | null>) {
  return async () => {
    const at = await time();
    if (at) vi.setSystemTime(new Date(at.getTime() + 1));
    return null;
  };
}

/** When the function asked to wake: the grant's expiry if active, else its retry time. */
export function grantWakeTime(db: Db, grantId: string) {
  return async () => {
    const g = await grantRow(db, grantId);
    return g.status === "active" ? g.expiresAt : (g.nextAttemptAt ?? new Date());
  };
}

export function useFakeDate() {
  vi.useFakeTimers({ toFake: ["Date"], now: new Date() });
}

type ExecutionOptions = { partialOptions: Record<string, unknown> };
/** What the serve handler uses of a function; InngestFunction keeps these members protected. */
type Internals = {
  client: unknown;
  createExecution(opts: ExecutionOptions): unknown;
  getConfig(opts: { baseUrl: URL; appPrefix: string }): { cancel?: unknown; idempotency?: string }[];
};
const internals = (fn: InngestFunction.Any) => fn as unknown as Internals;

/** The function's configuration as it is synced to Inngest (the first entry; a failure handler follows). */
export function syncedConfig(fn: InngestFunction.Any) {
  return internals(fn).getConfig({
    baseUrl: new URL("http://localhost/api/inngest"),
    appPrefix: "elevate",
  })[0];
}

/**
 * The function's `onFailure` handler as a test engine target: Inngest runs it after the last retry fails,
 * which @inngest/test does not model, so this picks the failure handler the way the serve handler does.
 */
export function failureHandlerOf(fn: InngestFunction.Any): InngestFunction.Like {
  const f = internals(fn);
  return {
    [Symbol.toStringTag]: "Inngest.Function",
    client: f.client,
    createExecution: (opts: ExecutionOptions) =>
      f.createExecution({ ...opts, partialOptions: { ...opts.partialOptions, handlerKind: "failure" } }),
  } as InngestFunction.Like;
}

/** The `inngest/function.failed` event Inngest sends when a run of `fnId` exhausts its retries. */
export function failedEvent(
  fnId: string,
  original: { name: string; data: Record<string, unknown> },
  message: string,
) {
  return {
    name: "inngest/function.failed",
    data: {
      function_id: `elevate-${fnId}`,
      run_id: `run-${randomUUID()}`,
      error: { name: "Error", message },
      event: { ...original, id: "01ORIGINAL", ts: Date.now() },
    },
  };
}

export { InngestTestEngine };
