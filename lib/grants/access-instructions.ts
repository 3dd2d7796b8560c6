import type { Cloud } from "@/db/schema";
import { bindingIdFor } from "@/lib/clouds/port";

/** How the requester uses a live grant: where to click and what to type, per cloud. */
export type UsageDto = {
  /** Null when no console route satisfies the grant's trust policy or binding (then `notes` says why). */
  consoleUrl: string | null;
  cli: string[];
  /** A ready configuration snippet (AWS CLI profile), when the cloud has one. */
  profile: string | null;
  notes: string[];
  /** A sandbox target exists only inside Elevate: the steps show what a real cloud would need. */
  sandbox: boolean;
};

type GrantLike = { id: string; resource: string | null; roleDocument: Record<string, unknown> };
type TargetLike = { cloud: Cloud; externalId: string; adapter: string };

// Target ids come from the database but are quoted into shell text: keep them to a safe alphabet.
const SAFE = /^[A-Za-z0-9._:/-]+$/;
const safe = (s: string) => (SAFE.test(s) ? s : "<id>");

/** The per-grant role (lib/clouds/aws/naming.ts): path /elevate/<org>/, name = the binding id. */
export function awsGrantRoleArn(account: string, orgId: string, grantId: string): string {
  return `arn:aws:iam::${account}:role/elevate/${orgId}/${bindingIdFor(grantId)}`;
}

/**
 * Pure: builds instructions from the grant and its target; no cloud call. AWS: the trust policy admits only
 * the grant id as session name (lib/clouds/aws/documents.ts), so every command and profile passes it.
 */
export function usageFor(grant: GrantLike, target: TargetLike, orgId: string): UsageDto {
  const account = safe(target.externalId);
  const sandbox = target.adapter === "sandbox";
  const id = safe(grant.id);
  switch (target.cloud) {
    case "aws": {
      const roleArn = awsGrantRoleArn(account, orgId, id);
      return {
        sandbox,
        // The console's Switch Role names the session after the signed-in user, which this trust policy refuses.
        consoleUrl: null,
        cli: [`aws sts assume-role --role-arn ${roleArn} --role-session-name ${id}`],
        profile: [
          `[profile elevate-${id.slice(0, 8)}]`,
          `role_arn = ${roleArn}`,
          `role_session_name = ${id}`,
          "source_profile = default",
        ].join("\n"),
        notes: [
          "The role accepts only this grant's id as the session name, so CloudTrail attributes every call to the grant.",
          "The console's Switch Role cannot set that session name: use the command line or the profile (aws --profile …).",
        ],
      };
    }
    case "gcp":
      return {
        sandbox,
        consoleUrl: `https://console.cloud.google.com/home/dashboard?project=${encodeURIComponent(account)}`,
        cli: ["gcloud auth login", `gcloud config set project ${account}`],
        profile: null,
        notes: ["A new IAM binding usually applies within 2 minutes, sometimes 7 or more."],
      };
    case "azure":
      return {
        sandbox,
        consoleUrl: `https://portal.azure.com/#@/resource/subscriptions/${encodeURIComponent(account)}/overview`,
        cli: ["az login", `az account set --subscription ${account}`],
        profile: null,
        notes: ["A new role assignment can take a few minutes to apply (up to 30 by Microsoft's docs)."],
      };
    case "kubernetes": {
      const namespace =
        typeof grant.roleDocument.metadata === "object" && grant.roleDocument.metadata
          ? (grant.roleDocument.metadata as { namespace?: unknown }).namespace
          : undefined;
      const ns = typeof namespace === "string" ? ` -n ${safe(namespace)}` : "";
      const file = `elevate-${id.slice(0, 8)}.kubeconfig`;
      return {
        sandbox,
        consoleUrl: null,
        cli: [`export KUBECONFIG=$PWD/${file}`, `kubectl auth can-i --list${ns}`],
        profile: null,
        notes: [
          "Download the kubeconfig from this grant's page: its token is issued for this grant and expires with it.",
          "Without a ServiceAccount per grant (the target's user mode), use your own cluster sign-in instead.",
        ],
      };
    }
    case "okta":
      return {
        sandbox,
        consoleUrl: oktaAdminConsole(account),
        cli: [],
        profile: null,
        notes: [
          "Sign in to the Okta Admin Console: the custom admin role acts only on this grant's resource set.",
          "Okta keeps no expiry on admin assignments: Elevate removes this one when the grant ends.",
        ],
      };
  }
}

/** acme.okta.com → https://acme-admin.okta.com/admin/dashboard (Okta's admin console host). */
export function oktaAdminConsole(domain: string): string {
  const [org, ...rest] = domain.split(".");
  return `https://${org}-admin.${rest.join(".")}/admin/dashboard`;
}
