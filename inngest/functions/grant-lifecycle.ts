import { getInngest } from "../client";
import type { FunctionDeps } from "../deps";
import { driveGrant } from "../drive-grant";
import { grantRevokeRequested, grantScheduled } from "../events";
import { onGrantFunctionFailure } from "../failure";
import { provisionStep } from "../steps";

export const GRANT_LIFECYCLE_ID = "grant-lifecycle";

/** Provisioning steps at once per target: cloud IAM APIs are rate-limited per account or project. */
export const PER_TARGET_CONCURRENCY = 10;

/**
 * One grant, start to end: provision → sleep until expiry → revoke → confirm the read-back is on record.
 * A revoke asked for early cancels this run (`cancelOn`, matched on the grant id) and `grant-revoke` does the
 * work; an extension moves the expiry in the database and the re-read after the sleep loops. Expiries beyond
 * the run's reach are still enforced by the cloud's own condition and by the reconciler cron.
 */
export function createGrantLifecycle(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: GRANT_LIFECYCLE_ID,
      name: "Grant lifecycle",
      triggers: [grantScheduled],
      concurrency: [{ key: "event.data.targetId", limit: PER_TARGET_CONCURRENCY }],
      // At most one lifecycle per grant even if the event were sent again under another id.
      idempotency: "event.data.grantId",
      cancelOn: [{ event: grantRevokeRequested, match: "data.grantId" }],
      retries: 5,
      onFailure: ({ event, error, step }) =>
        onGrantFunctionFailure(step, deps, GRANT_LIFECYCLE_ID, event, error),
    },
    async ({ event, step }) => {
      const ref = { orgId: event.data.orgId, grantId: event.data.grantId };
      const first = await step.run("provision-0", () => provisionStep(deps, ref, GRANT_LIFECYCLE_ID));
      return driveGrant(step, deps, ref, first, GRANT_LIFECYCLE_ID);
    },
  );
}
