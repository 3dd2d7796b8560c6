import { defaultDeps, type FunctionDeps } from "./deps";
import { createAuditMaintenance } from "./functions/audit-maintenance";
import { createGrantExtend } from "./functions/grant-extend";
import { createGrantLifecycle } from "./functions/grant-lifecycle";
import { createGrantRevoke } from "./functions/grant-revoke";
import { createNotifyAlert, createNotifyDeliver, createNotifySweep } from "./functions/notify";
import { createReconcile } from "./functions/reconcile";
import { createReportSchedules } from "./functions/report-schedules";
import { createRoleGc } from "./functions/role-gc";
import { createScheduleGrants } from "./functions/schedule-grants";
import { createUsagePull } from "./functions/usage-pull";

export { getInngest } from "./client";
export type { FunctionDeps } from "./deps";

/** Every durable function the app serves. */
export function createFunctions(deps: FunctionDeps) {
  return [
    createScheduleGrants(deps),
    createGrantLifecycle(deps),
    createGrantRevoke(deps),
    createGrantExtend(deps),
    createReconcile(deps),
    createRoleGc(deps),
    createUsagePull(deps),
    createAuditMaintenance(deps),
    createNotifyDeliver(deps),
    createNotifyAlert(deps),
    createNotifySweep(deps),
    createReportSchedules(deps),
  ] as const;
}

let served: ReturnType<typeof createFunctions> | undefined;

/** The functions as served at /api/inngest, on the process-wide database and the Inngest driver. */
export function servedFunctions() {
  served ??= createFunctions(defaultDeps());
  return served;
}
