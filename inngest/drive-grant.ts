import type { GetStepTools } from "inngest";
import type { AppInngest } from "./client";
import type { FunctionDeps } from "./deps";
import { type GrantStepResult, MAX_ROUNDS } from "./plan";
import { confirmRevokedStep, type GrantRef, provisionStep, type RevocationCheck, revokeStep } from "./steps";

type Step = GetStepTools<AppInngest>;

export type DriveResult = {
  grantId: string;
  status: GrantStepResult["status"];
  rounds: number;
  /** Set when the run stopped early: the reconciler carries on from the database state. */
  handedTo?: "reconciler";
  revocation?: RevocationCheck;
};

/**
 * Drives a grant from what the first step saw to a terminal status: sleep until the time the last step asked
 * for (expiry, or a retry's backoff), run the next step, repeat. Re-reading after every sleep is what makes
 * extensions work (the expiry moved: sleep again) and makes an early wake-up harmless (not due: sleep again).
 */
export async function driveGrant(
  step: Step,
  deps: FunctionDeps,
  ref: GrantRef,
  first: GrantStepResult,
  fnId: string,
): Promise<DriveResult> {
  let cur = first;
  let round = 0;
  while (cur.next.action !== "done") {
    if (round >= MAX_ROUNDS) {
      return { grantId: ref.grantId, status: cur.status, rounds: round, handedTo: "reconciler" };
    }
    round += 1;
    const { action, at } = cur.next;
    await step.sleepUntil(`wait-${round}`, at);
    cur = await step.run(`${action}-${round}`, () =>
      action === "provision" ? provisionStep(deps, ref, fnId) : revokeStep(deps, ref, fnId),
    );
  }
  if (cur.status !== "revoked") return { grantId: ref.grantId, status: cur.status, rounds: round };
  const revocation = await step.run("confirm-revoked", () => confirmRevokedStep(deps, ref));
  return { grantId: ref.grantId, status: cur.status, rounds: round, revocation };
}
