import { type Db, getDb } from "@/db/client";
import type { Ctx } from "@/lib/ctx";
import type { ReconcileOptions } from "@/lib/grants";
import { createInngestDriver } from "@/lib/workflows/inngest-driver";
import type { WorkflowDriver } from "@/lib/workflows/port";
import { systemCtx } from "@/lib/workflows/system-ctx";

/** What Inngest functions need from the process: passed in so tests run them against the test database. */
export type FunctionDeps = {
  db: () => Promise<Db>;
  /** Where verbs run by a function dispatch follow-up work. */
  workflows: () => WorkflowDriver;
  /** Extra reconcile options (tests scope passes to their own org). */
  reconcile?: Omit<ReconcileOptions, "db" | "now" | "workflows">;
};

export function defaultDeps(): FunctionDeps {
  let driver: WorkflowDriver | undefined;
  return {
    db: getDb,
    workflows: () => {
      driver ??= createInngestDriver();
      return driver;
    },
  };
}

/** The system actor for one function, scoped to the event's org. */
export async function jobCtx(deps: FunctionDeps, orgId: string, fnId: string): Promise<Ctx> {
  return systemCtx(await deps.db(), orgId, `inngest:${fnId}`, deps.workflows());
}
