import type { Db } from "@/db/client";
import type { Ctx } from "@/lib/ctx";
import { recordingDriver, type WorkflowDriver } from "./port";

/** A context for background jobs: the system actor named after the job, scoped to one org. */
export function systemCtx(
  db: Db,
  orgId: string,
  job: string,
  workflows: WorkflowDriver = recordingDriver(),
): Ctx {
  return { actor: { type: "system", job }, orgId, db, workflows };
}
