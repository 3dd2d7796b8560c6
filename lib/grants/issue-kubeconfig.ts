import { appendAudit } from "@/lib/audit/append";
import { CloudError } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import type { Ctx } from "@/lib/ctx";
import { Conflict, NotFound, parseInput, Unavailable, Validation } from "@/lib/errors";
import { logger } from "@/lib/log";
import { getGrantInOrgOrThrow, getTargetInOrgOrThrow } from "../requests/queries";
import { GetGrantInput } from "./schemas";

export type KubeconfigDto = { filename: string; content: string; expiresAt: string };

/**
 * A kubeconfig for the caller's own active Kubernetes grant: the cluster issues a token for the grant's
 * ServiceAccount (TokenRequest) that expires with the grant. Only the grant's own person may get one
 * (anyone else: NotFound, whoever they are): it is their credential. Each issue is audited, without the
 * token; Elevate neither stores nor logs it.
 */
export async function issueGrantKubeconfig({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: GetGrantInput;
}): Promise<KubeconfigDto> {
  const { grantId } = parseInput(GetGrantInput, input);
  const grant = await getGrantInOrgOrThrow(ctx.db, ctx.orgId, grantId);
  const actor = ctx.actor;
  if (actor.type === "system" || actor.userId !== grant.userId || !actor.permissions.has("grants.read.own"))
    throw NotFound("Grant");
  const now = new Date();
  if (grant.status !== "active" || !grant.expiresAt || grant.expiresAt.getTime() <= now.getTime())
    throw Conflict("the grant is not active: a kubeconfig is issued only while it is");
  const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, grant.targetId);
  if (target.cloud !== "kubernetes") throw Validation("grantId", "this grant is not on a Kubernetes target");
  const adapter = adapterFor(ctx.db, target);
  if (!adapter.issueKubeconfig) throw Validation("grantId", "this target's adapter issues no kubeconfigs");
  const issued = await adapter
    .issueKubeconfig(target, {
      grantId: grant.id,
      notAfter: grant.expiresAt,
      namespace: grant.roleSpec.binding?.scope,
    })
    .catch((e: unknown) => {
      if (e instanceof CloudError && e.kind === "permanent") throw Validation("grantId", e.message);
      logger.warn(
        { orgId: ctx.orgId, grantId, err: e instanceof Error ? e.message : String(e) },
        "kubeconfig issue failed",
      );
      throw Unavailable("the cluster did not issue a token; try again in a moment");
    });
  // Fail closed: if the audit row cannot be written, the kubeconfig is not handed out.
  await appendAudit(ctx.db, ctx, {
    action: "grant.kubeconfig_issued",
    subjectType: "grant",
    subjectId: grant.id,
    data: { targetId: target.id, tokenExpiresAt: issued.expiresAt, requestIds: issued.requestIds },
  });
  return {
    filename: `elevate-${grant.id.slice(0, 8)}.kubeconfig`,
    content: issued.kubeconfig,
    expiresAt: issued.expiresAt,
  };
}
