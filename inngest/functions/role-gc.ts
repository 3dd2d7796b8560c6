import { cron } from "inngest";
import { getInngest } from "../client";
import type { FunctionDeps } from "../deps";
import { onJobFailure } from "../failure";
import { collectRolesStep } from "../steps";

export const ROLE_GC_ID = "role-gc";

/**
 * Garbage-collects shared custom roles whose reference count has been zero for the grace period. The
 * reconcile pass does this too; this separate cron keeps roles collected while reconcile is busy or failing.
 */
export function createRoleGc(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: ROLE_GC_ID,
      name: "Delete unused cloud roles",
      triggers: [cron("*/15 * * * *")],
      concurrency: [{ limit: 1 }],
      retries: 2,
      onFailure: ({ event, error, step }) => onJobFailure(step, ROLE_GC_ID, event, error),
    },
    async ({ step }) => step.run("collect-roles", () => collectRolesStep(deps)),
  );
}
