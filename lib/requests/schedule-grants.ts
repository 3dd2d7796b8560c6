import type { Db } from "@/db/client";
import { grants } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { Catalog } from "@/lib/catalog/catalog";
import type { Ctx } from "@/lib/ctx";
import { getTargetInOrgOrThrow, getTemplateInOrgOrThrow, type RequestRow } from "./queries";
import { buildRequestRole, roleSourceOf } from "./role-source";

/**
 * Creates the grants of a just-approved request, inside the approving transaction: one per target, status
 * `scheduled`, with the exact role the cloud will receive. Provisioning is the workflow's job.
 */
export async function scheduleGrants(
  tx: Db,
  ctx: Ctx,
  request: RequestRow,
  catalog: Catalog,
): Promise<string[]> {
  const template = request.templateId
    ? await getTemplateInOrgOrThrow(tx, ctx.orgId, request.templateId)
    : null;
  // A multi-target request lists every target (its first is `targetId`); older rows have only targetId.
  const targetIds = request.targetIds.length > 0 ? request.targetIds : [request.targetId];
  const ids: string[] = [];
  for (const targetId of targetIds) {
    const target = await getTargetInOrgOrThrow(tx, ctx.orgId, targetId);
    const source = roleSourceOf(target.cloud, template, request.permissions, request.resourceKind);
    // The catalog was read before the transaction; explicit lists are stored expanded, so no wildcard runs here.
    const roleSpec = buildRequestRole(target, source, request.resource, catalog);
    const [grant] = await tx
      .insert(grants)
      .values({
        orgId: ctx.orgId,
        requestId: request.id,
        targetId: target.id,
        userId: request.requesterId,
        status: "scheduled",
        roleSpec,
        durationSeconds: request.durationSeconds,
      })
      .returning({ id: grants.id });
    await appendAudit(tx, ctx, {
      action: "grant.scheduled",
      subjectType: "grant",
      subjectId: grant.id,
      data: {
        requestId: request.id,
        targetId: target.id,
        userId: request.requesterId,
        roleName: roleSpec.roleName,
        roleHash: roleSpec.hash,
        permissions: roleSpec.permissions,
        resource: roleSpec.resource,
        resourceKind: roleSpec.resourceKind,
        binding: roleSpec.binding,
        durationSeconds: request.durationSeconds,
      },
    });
    ids.push(grant.id);
  }
  return ids;
}
