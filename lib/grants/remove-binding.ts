import type { GrantEvidence } from "@/db/schema";
import { type CloudAdapter, CloudError, type TargetRow } from "@/lib/clouds/port";

export type Removal = NonNullable<GrantEvidence["removal"]>;

/**
 * Removes a grant's binding and proves it: "not found" on unbind counts as removed, but only a read-back
 * that no longer sees the binding is evidence that the access is gone.
 */
export async function removeBinding(
  adapter: CloudAdapter,
  target: TargetRow,
  bindingId: string,
): Promise<Removal> {
  const gone = await adapter.unbind(target, bindingId).catch((e: unknown) => {
    if (e instanceof CloudError && e.kind === "not_found") return { requestIds: [] };
    throw e;
  });
  const seen = await adapter.inspect(target, bindingId);
  if (seen.present) throw new CloudError("retryable", "binding still present after unbind");
  return {
    requestIds: [...gone.requestIds, ...seen.requestIds],
    inspected: seen,
    at: new Date().toISOString(),
  };
}
