import type { RoleSpec } from "@/db/schema";
import type { BindingSpec, CloudAccessEvidence, CloudAdapter, TargetRow } from "@/lib/clouds/port";
import { logger } from "@/lib/log";

/** The cloud's own check runs inside the provisioning lease (LEASE_MS): a few seconds at most. */
const CLOUD_CHECK_TIMEOUT_MS = 5_000;

export type CloudCheckEvidence = CloudAccessEvidence | { error: string };

/**
 * The adapter's `checkAccess` after bind (`evidence.provision.cloudCheck`), or undefined when the cloud
 * has none. Evidence only: a failure or no answer in time is stored as `{ error }`, never fails the grant.
 */
export async function cloudCheckEvidence(
  adapter: CloudAdapter,
  target: TargetRow,
  binding: BindingSpec & { bindingId: string },
  spec: RoleSpec,
  timeoutMs = CLOUD_CHECK_TIMEOUT_MS,
): Promise<CloudCheckEvidence | undefined> {
  if (!adapter.checkAccess) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const answer = await Promise.race([adapter.checkAccess(target, binding, spec), late]);
    const denied = answer.checks.filter((c) => !c.allowed).length;
    if (denied > 0) {
      logger.warn(
        { grantId: binding.grantId, denied, checker: answer.checker },
        "the cloud does not confirm some of the role (denied or unknown)",
      );
    }
    return answer;
  } catch (e) {
    return { error: `${adapter.kind} access check: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    clearTimeout(timer);
  }
}
