import { getInngest } from "../client";
import type { FunctionDeps } from "../deps";
import { grantExtended } from "../events";
import { onGrantFunctionFailure } from "../failure";
import { extendStep } from "../steps";

export const GRANT_EXTEND_ID = "grant-extend";

/**
 * An extension moved the grant's expiry in the database; this run moves the cloud-enforced expiry with it.
 * Until it succeeds the cloud still ends access at the old expiry (safe, never open); the lifecycle run
 * re-reads the expiry after its sleep, and the reconciler retries a re-bind that is still owed.
 */
export function createGrantExtend(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: GRANT_EXTEND_ID,
      name: "Apply a grant extension in the cloud",
      triggers: [grantExtended],
      concurrency: [{ key: "event.data.grantId", limit: 1 }],
      retries: 5,
      onFailure: ({ event, error, step }) =>
        onGrantFunctionFailure(step, deps, GRANT_EXTEND_ID, event, error),
    },
    async ({ event, step }) => {
      const ref = { orgId: event.data.orgId, grantId: event.data.grantId };
      const outcome = await step.run("apply-extension", () => extendStep(deps, ref, GRANT_EXTEND_ID));
      return { grantId: outcome.id, status: outcome.status, expiresAt: outcome.expiresAt };
    },
  );
}
