import type { Db } from "@/db/client";
import { type CloudAdapter, CloudError, type TargetRow } from "./port";
import { sandboxAdapter } from "./sandbox/adapter";

/**
 * The adapter that serves a target. Real AWS/GCP/Azure adapters arrive in a later issue; until then a
 * target configured for one fails permanently (no retry storm) with a message that says why.
 */
export function adapterFor(db: Db, target: Pick<TargetRow, "adapter" | "name">): CloudAdapter {
  switch (target.adapter) {
    case "sandbox":
      return sandboxAdapter(db);
    case "aws":
    case "gcp":
    case "azure":
      throw new CloudError(
        "permanent",
        `The ${target.adapter} adapter is not available in this build (target ${target.name}); use the sandbox adapter`,
      );
  }
}
