import { AppError } from "@/lib/errors";
import {
  applyExtension,
  DEFAULT_ROLE_GRACE_MS,
  executeRevocation,
  type GrantOutcome,
  provisionGrant,
  type ReconcileResult,
  reconcileOnce,
} from "@/lib/grants";
import { markGrantFailed } from "@/lib/grants/mark-failed";
import { collectRoles } from "@/lib/grants/reconcile-roles";
import { loadGrantDto, loadGrantDtos } from "@/lib/requests";
import { type FunctionDeps, jobCtx } from "./deps";
import { type GrantStepResult, planNext } from "./plan";

// The bodies of the grant steps: each calls exactly one lib/ verb and returns a small JSON value.

export type GrantRef = { orgId: string; grantId: string };

export async function provisionStep(
  deps: FunctionDeps,
  ref: GrantRef,
  fnId: string,
): Promise<GrantStepResult> {
  const ctx = await jobCtx(deps, ref.orgId, fnId);
  return planNext(await provisionGrant({ ctx, input: { grantId: ref.grantId } }), new Date());
}

/** Revokes if due (expiry reached, or a revocation already asked for); an active grant not yet due is left. */
export async function revokeStep(deps: FunctionDeps, ref: GrantRef, fnId: string): Promise<GrantStepResult> {
  const ctx = await jobCtx(deps, ref.orgId, fnId);
  return planNext(await executeRevocation({ ctx, input: { grantId: ref.grantId } }), new Date());
}

export type RevocationCheck = {
  grantId: string;
  status: string;
  revokedAt: string | null;
  /** The read-back made by executeRevocation ("binding absent"), with the cloud's request ids, is on record. */
  bindingGone: boolean;
  requestIds: string[];
};

/** Reads the grant back and reports whether the removal evidence (the cloud read-back) is recorded. */
export async function confirmRevokedStep(deps: FunctionDeps, ref: GrantRef): Promise<RevocationCheck> {
  const dto = await loadGrantDto(await deps.db(), ref.orgId, ref.grantId);
  const removal = dto.evidence.removal;
  const inspected = removal?.inspected as { present?: boolean } | undefined;
  return {
    grantId: dto.id,
    status: dto.status,
    revokedAt: dto.revokedAt,
    bindingGone: dto.status === "revoked" && inspected?.present === false,
    requestIds: removal?.requestIds ?? [],
  };
}

export type MarkResult = { grantId: string; status: string | null };

/** The failure handler's step: markGrantFailed; a grant that does not exist (in that org) is reported, not thrown. */
export async function markFailedStep(
  deps: FunctionDeps,
  ref: GrantRef,
  reason: string,
  fnId: string,
): Promise<MarkResult> {
  try {
    const ctx = await jobCtx(deps, ref.orgId, fnId);
    const out = await markGrantFailed({ ctx, input: { grantId: ref.grantId, reason } });
    return { grantId: out.id, status: out.status };
  } catch (err) {
    if (err instanceof AppError && (err.code === "not_found" || err.code === "validation")) {
      return { grantId: ref.grantId, status: null };
    }
    throw err;
  }
}

export type ScheduledGrant = { grantId: string; targetId: string };

/** The fan-out's step: which target each grant of the request is for (concurrency is keyed by target). */
export async function describeGrantsStep(
  deps: FunctionDeps,
  orgId: string,
  grantIds: string[],
): Promise<ScheduledGrant[]> {
  const dtos = await loadGrantDtos(await deps.db(), orgId, grantIds);
  return dtos.map((g) => ({ grantId: g.id, targetId: g.target.id }));
}

/** One reconcile pass (the inline driver's loop runs the same verb). */
export async function reconcileStep(deps: FunctionDeps): Promise<ReconcileResult> {
  return reconcileOnce({ db: await deps.db(), workflows: deps.workflows(), ...deps.reconcile });
}

/** Deletes the shared cloud roles no grant has used for the grace period. */
export async function collectRolesStep(deps: FunctionDeps): Promise<{ rolesDeleted: number }> {
  const rolesDeleted = await collectRoles(
    await deps.db(),
    new Date(),
    deps.reconcile?.roleGraceMs ?? DEFAULT_ROLE_GRACE_MS,
    deps.reconcile?.limit ?? 200,
    deps.reconcile?.orgId,
  );
  return { rolesDeleted };
}

/** Moves the cloud-enforced expiry to the grant's extended expiry (the verb already moved the database's). */
export async function extendStep(deps: FunctionDeps, ref: GrantRef, fnId: string): Promise<GrantOutcome> {
  const ctx = await jobCtx(deps, ref.orgId, fnId);
  return applyExtension({ ctx, input: { grantId: ref.grantId } });
}
