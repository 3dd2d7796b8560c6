import type { ProjectsClient } from "@google-cloud/resource-manager";
import { CloudError } from "@/lib/clouds/port";
import type { GcpSettings } from "./config";
import { classifyGcpError, describeGcpError, isConcurrentChange } from "./errors";
import type { Binding, Policy } from "./policy";
import { recordRequestId } from "./request-ids";
import { withRetry } from "./retry";

/** Raised inside one set attempt so the whole read-modify-write starts again from a fresh read. */
class StaleEtag extends Error {}

/**
 * The project's IAM policy, always read and written as version 3 (conditions kept), with the etag as
 * optimistic lock: a concurrent writer makes setIamPolicy answer 409 ABORTED and the change is redone.
 */
export function policyStore(projects: ProjectsClient, s: GcpSettings) {
  // No retries inside gax: this adapter's own retry classifies and bounds them.
  const options = { timeout: s.timeoutMs, retry: null };

  const read = (resource: string): Promise<Policy> =>
    withRetry(s.retry, async () => {
      try {
        const [policy] = await projects.getIamPolicy(
          { resource, options: { requestedPolicyVersion: 3 } },
          options,
        );
        return policy;
      } catch (e) {
        throw classifyGcpError("getIamPolicy", e);
      }
    });

  const write = (resource: string, policy: Policy): Promise<Policy> =>
    withRetry(s.retry, async () => {
      try {
        const [saved] = await projects.setIamPolicy(
          { resource, policy, updateMask: { paths: ["bindings", "etag"] } },
          options,
        );
        return saved;
      } catch (e) {
        if (isConcurrentChange(describeGcpError(e))) throw new StaleEtag();
        throw classifyGcpError("setIamPolicy", e);
      }
    });

  /** Applies `change` to the bindings; `null` from `change` means "already as wanted" (no write). */
  async function modify(
    resource: string,
    change: (bindings: Binding[]) => Binding[] | null,
  ): Promise<Policy> {
    for (let attempt = 1; attempt <= s.policyAttempts; attempt++) {
      const current = await read(resource);
      const bindings = change(current.bindings ?? []);
      if (bindings === null) return evidenceOf(current);
      try {
        return evidenceOf(
          await write(resource, {
            version: 3,
            bindings,
            etag: current.etag,
            auditConfigs: current.auditConfigs,
          }),
        );
      } catch (e) {
        if (!(e instanceof StaleEtag)) throw e;
      }
    }
    throw new CloudError(
      "retryable",
      `gcp setIamPolicy: ${resource} kept changing (${s.policyAttempts} etag conflicts)`,
    );
  }

  return { read: async (resource: string) => evidenceOf(await read(resource)), modify };
}

/** Google sends no request id on every API: the policy etag then identifies the version seen or written. */
function evidenceOf(policy: Policy): Policy {
  if (policy.etag && policy.etag.length > 0) {
    const etag = typeof policy.etag === "string" ? policy.etag : Buffer.from(policy.etag).toString("base64");
    recordRequestId(`etag:${etag}`);
  }
  return policy;
}

export type PolicyStore = ReturnType<typeof policyStore>;
