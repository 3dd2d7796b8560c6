import { cron } from "inngest";
import { auditMaintenance } from "@/lib/audit/maintenance";
import { getInngest } from "../client";
import type { FunctionDeps } from "../deps";
import { onJobFailure } from "../failure";

export const AUDIT_MAINTENANCE_ID = "audit-maintenance";

/** Every minute: signed audit checkpoints that are due, then retention (lib/audit/maintenance.ts). */
export function createAuditMaintenance(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: AUDIT_MAINTENANCE_ID,
      name: "Sign audit checkpoints and apply audit retention",
      triggers: [cron("* * * * *")],
      concurrency: [{ limit: 1 }],
      retries: 1,
      onFailure: ({ event, error, step }) => onJobFailure(step, AUDIT_MAINTENANCE_ID, event, error),
    },
    async ({ step }) =>
      step.run("checkpoint-and-retain", async () =>
        auditMaintenance(await deps.db(), { orgId: deps.reconcile?.orgId }),
      ),
  );
}
