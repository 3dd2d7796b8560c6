import { eq } from "drizzle-orm";
import { type Cloud, targets } from "@/db/schema";
import type { Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { type UsageDto, usageFor } from "./access-instructions";
import { getGrant } from "./get-grant";
import { GetGrantInput } from "./schemas";

export type GrantAccessDto = UsageDto & {
  grantId: string;
  status: string;
  cloud: Cloud;
  expiresAt: string | null;
  /** Shell `export` lines that point the cloud's CLI at the grant's account, project or subscription. */
  env: Record<string, string>;
};

/**
 * How to use a grant (`elevate assume`): the same instructions the request page shows, with the variables
 * the cloud's CLI reads. Visible like the grant itself. Elevate holds no cloud credentials for people:
 * AWS credentials come from `aws sts assume-role` on the grant's role with the grant id as session name.
 */
export async function getGrantAccess({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: GetGrantInput;
}): Promise<GrantAccessDto> {
  const { grantId } = parseInput(GetGrantInput, input);
  const grant = await getGrant({ ctx, input: { grantId } });
  const [target] = await ctx.db
    .select({ cloud: targets.cloud, externalId: targets.externalId, adapter: targets.adapter })
    .from(targets)
    .where(eq(targets.id, grant.target.id));
  const usage = usageFor(
    { id: grant.id, resource: grant.resource, roleDocument: grant.roleDocument },
    target,
    ctx.orgId,
  );
  const cli: Record<Cloud, Record<string, string>> = {
    aws: { AWS_ROLE_SESSION_NAME: grant.id },
    gcp: { CLOUDSDK_CORE_PROJECT: target.externalId },
    azure: { AZURE_SUBSCRIPTION_ID: target.externalId },
    // The file the grant page's kubeconfig download saves (access-instructions.ts).
    kubernetes: { KUBECONFIG: `elevate-${grant.id.slice(0, 8)}.kubeconfig` },
    okta: { OKTA_ORG_URL: `https://${target.externalId}` },
  };
  const env: Record<string, string> = { ELEVATE_GRANT_ID: grant.id, ...cli[target.cloud] };
  return {
    ...usage,
    grantId: grant.id,
    status: grant.status,
    cloud: target.cloud,
    expiresAt: grant.expiresAt,
    env,
  };
}
