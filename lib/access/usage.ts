import type { Cloud } from "@/db/schema";
import { bindingIdFor } from "@/lib/clouds/port";

/** How the requester uses a live grant: where to click and what to type, per cloud. */
export type UsageDto = {
  consoleUrl: string | null;
  cli: string[];
  /** A sandbox target exists only inside Elevate: the steps show what a real cloud would need. */
  sandbox: boolean;
};

type GrantLike = { id: string; resource: string | null; roleDocument: Record<string, unknown> };
type TargetLike = { cloud: Cloud; externalId: string; adapter: string };

// Target ids come from the database but are quoted into shell text: keep them to a safe alphabet.
const SAFE = /^[A-Za-z0-9._:/-]+$/;
const safe = (s: string) => (SAFE.test(s) ? s : "<id>");

/** Pure: builds instructions from the grant and its target; no cloud call. */
export function usageFor(grant: GrantLike, target: TargetLike, orgId: string): UsageDto {
  const account = safe(target.externalId);
  const sandbox = target.adapter === "sandbox";
  switch (target.cloud) {
    case "aws": {
      // The per-grant role (lib/clouds/aws/naming.ts): path /elevate/<org>/, name = binding id.
      const role = `elevate/${orgId}/${bindingIdFor(grant.id)}`;
      return {
        sandbox,
        consoleUrl: `https://signin.aws.amazon.com/switchrole?account=${account}&roleName=${encodeURIComponent(role)}&displayName=Elevate`,
        cli: [
          `aws sts assume-role --role-arn arn:aws:iam::${account}:role/${role} --role-session-name elevate`,
        ],
      };
    }
    case "gcp":
      return {
        sandbox,
        consoleUrl: `https://console.cloud.google.com/home/dashboard?project=${encodeURIComponent(account)}`,
        cli: ["gcloud auth login", `gcloud config set project ${account}`],
      };
    case "azure":
      return {
        sandbox,
        consoleUrl: `https://portal.azure.com/#@/resource/subscriptions/${encodeURIComponent(account)}/overview`,
        cli: ["az login", `az account set --subscription ${account}`],
      };
  }
}
