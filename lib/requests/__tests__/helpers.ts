import { and, count, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Db } from "@/db/client";
import { accessRequests, approvals, auditEvents, grants } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import type { ErrorCode } from "@/lib/errors";
import { AppError } from "@/lib/errors";
import { userCtx } from "@/lib/testing/ctx";
import { decideRequest } from "../decide";
import type { SubmitInput } from "../schemas";
import { submitRequest } from "../submit";

/** A valid submission for the org's AWS target and the `vm.ssh` template. */
export function validInput(
  org: SeededOrg,
  overrides: Partial<SubmitInput> = {},
): SubmitInput & { targetId: string } {
  return {
    targetId: org.targets.aws.id,
    templateId: org.template("vm.ssh").id,
    resource: "i-0abc1234",
    durationMinutes: 60,
    justification: "Investigating INC-42",
    ticketUrl: "https://tickets.example/INC-42",
    ...overrides,
  };
}

export async function submitAs(
  db: Db,
  org: SeededOrg,
  who: keyof SeededOrg["users"] = "requester",
  overrides = {},
) {
  return submitRequest({ ctx: await userCtx(db, org.users[who]), input: validInput(org, overrides) });
}

/** A request approved by `approver` (default policy: one approval), with its scheduled grant. */
export async function approvedRequest(db: Db, org: SeededOrg) {
  const req = await submitAs(db, org);
  const dto = await decideRequest({
    ctx: await userCtx(db, org.users.approver),
    input: { requestId: req.id, verdict: "approve" },
  });
  return { request: dto, grant: dto.grants[0] };
}

/** Awaits a rejection and checks it is the expected AppError (and, if given, names the field). */
export async function expectAppError(
  p: Promise<unknown>,
  code: ErrorCode,
  field?: string,
): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const appErr = err as AppError;
  expect(appErr.code).toBe(code);
  if (field) {
    expect(appErr.field).toBe(field);
    expect(appErr.message).toContain(field);
  }
  return appErr;
}

export async function auditFor(db: Db, orgId: string, subjectId: string) {
  return db
    .select({ action: auditEvents.action, actorId: auditEvents.actorId, data: auditEvents.data })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.subjectId, subjectId)))
    .orderBy(auditEvents.seq);
}

/** Row counts of everything the access verbs write, for "a failing verb changed nothing" checks. */
export async function counts(db: Db, orgId: string) {
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0].n;
  return {
    requests: await n(db.select({ n: count() }).from(accessRequests).where(eq(accessRequests.orgId, orgId))),
    approvals: await n(db.select({ n: count() }).from(approvals).where(eq(approvals.orgId, orgId))),
    grants: await n(db.select({ n: count() }).from(grants).where(eq(grants.orgId, orgId))),
    audit: await n(db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.orgId, orgId))),
  };
}
