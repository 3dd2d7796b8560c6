import { randomUUID } from "node:crypto";
import { adapterContract } from "@/lib/clouds/contract";
import type { CloudAdapter } from "@/lib/clouds/port";
import { env } from "@/lib/env";
import { awsAdapter } from "./adapter";
import { awsTarget } from "./testing";

/**
 * The adapter contract against a real AWS account. Run only through the live config:
 *   ELEVATE_LIVE_AWS=1 ELEVATE_LIVE_AWS_ACCOUNT_ID=<12 digits> ELEVATE_LIVE_AWS_PRINCIPAL=<existing user/role ARN> \
 *   AWS_PROFILE=<profile> npm run test:live
 * Credentials come from the SDK's default chain. Everything is created under /elevate/<random org>/ and
 * the test's own policies, and removed in teardown.
 */
const e = env();
if (e.ELEVATE_LIVE_AWS !== "1" || !e.ELEVATE_LIVE_AWS_ACCOUNT_ID || !e.ELEVATE_LIVE_AWS_PRINCIPAL) {
  throw new Error(
    "live AWS run: set ELEVATE_LIVE_AWS=1, ELEVATE_LIVE_AWS_ACCOUNT_ID and ELEVATE_LIVE_AWS_PRINCIPAL",
  );
}
const accountId = e.ELEVATE_LIVE_AWS_ACCOUNT_ID;
const principal = e.ELEVATE_LIVE_AWS_PRINCIPAL;

adapterContract("aws (live account)", async () => {
  const live = awsAdapter({});
  // Pass-through that remembers the policies this run ensured, so teardown removes exactly those.
  const made = new Set<string>();
  const adapter: CloudAdapter = {
    ...live,
    ensureRole: async (t, spec) => {
      const r = await live.ensureRole(t, spec);
      made.add(r.roleName);
      return r;
    },
  };
  const target = awsTarget({ orgId: randomUUID(), externalId: accountId, name: "aws-live" });
  return {
    adapter,
    target,
    principal,
    checkSettleMs: 120_000, // IAM is eventually consistent
    teardown: async () => {
      const left = await live.listManaged(target);
      for (const b of left.bindings) await live.unbind(target, b.bindingId);
      for (const name of made) await live.deleteRole(target, name);
    },
  };
});
