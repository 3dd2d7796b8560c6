import { getInngest } from "../client";
import type { FunctionDeps } from "../deps";
import { driveGrant } from "../drive-grant";
import { grantRevokeRequested } from "../events";
import { onGrantFunctionFailure } from "../failure";
import { revokeStep } from "../steps";

export const GRANT_REVOKE_ID = "grant-revoke";

/**
 * "Revoke now" / "give back early": the revoke verb has already moved the grant to `revoking` (and this event
 * cancelled its lifecycle run); this run removes the binding, retrying with the verb's backoff, and confirms
 * the read-back. One run per grant at a time; revocations are not queued behind a target's provisioning.
 */
export function createGrantRevoke(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: GRANT_REVOKE_ID,
      name: "Revoke a grant now",
      triggers: [grantRevokeRequested],
      concurrency: [{ key: "event.data.grantId", limit: 1 }],
      retries: 10,
      onFailure: ({ event, error, step }) =>
        onGrantFunctionFailure(step, deps, GRANT_REVOKE_ID, event, error),
    },
    async ({ event, step }) => {
      const ref = { orgId: event.data.orgId, grantId: event.data.grantId };
      const first = await step.run("revoke-0", () => revokeStep(deps, ref, GRANT_REVOKE_ID));
      return driveGrant(step, deps, ref, first, GRANT_REVOKE_ID);
    },
  );
}
