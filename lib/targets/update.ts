import { and, eq, ne } from "drizzle-orm";
import { targets } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { Conflict, parseInput } from "@/lib/errors";
import { getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { publicSettings, type TargetDetailDto, toTargetDto } from "./dto";
import { parseSettings, UpdateTargetInput } from "./schemas";

/**
 * Renames a target, replaces its connection settings (e.g. new credential references), or sets what
 * approval-policy rules match on (tags, environment, owner group, on-call service). Cloud, adapter
 * and external id stay fixed: changing them under live grants would orphan what is in the cloud, so
 * that is a new target.
 */
export async function updateTarget({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: UpdateTargetInput;
}): Promise<TargetDetailDto> {
  assertPermission(ctx, "targets.manage");
  const { targetId, name, settings, ...policy } = parseInput(UpdateTargetInput, input);
  return ctx.db.transaction(async (tx) => {
    const current = await getTargetInOrgOrThrow(tx, ctx.orgId, targetId);
    const nextSettings = settings === undefined ? current.settings : parseSettings(current.adapter, settings);
    if (name !== undefined && name !== current.name) {
      const [clash] = await tx
        .select({ id: targets.id })
        .from(targets)
        .where(and(eq(targets.orgId, ctx.orgId), eq(targets.name, name), ne(targets.id, current.id)));
      if (clash) throw Conflict(`A target named "${name}" already exists`);
    }
    const [row] = await tx
      .update(targets)
      .set({
        name: name ?? current.name,
        settings: nextSettings as Record<string, unknown>,
        ...(policy.tags !== undefined ? { tags: [...new Set(policy.tags)] } : {}),
        ...(policy.environment !== undefined ? { environment: policy.environment } : {}),
        ...(policy.ownerGroup !== undefined ? { ownerGroup: policy.ownerGroup } : {}),
        ...(policy.oncallServiceId !== undefined ? { oncallServiceId: policy.oncallServiceId } : {}),
      })
      .where(and(eq(targets.id, current.id), eq(targets.orgId, ctx.orgId)))
      .returning();
    await appendAudit(tx, ctx, {
      action: "target.updated",
      subjectType: "target",
      subjectId: row.id,
      data: {
        ...(name !== undefined && name !== current.name ? { name: { from: current.name, to: name } } : {}),
        ...(settings !== undefined ? { settings: publicSettings(row.settings) } : {}),
        ...Object.fromEntries(
          (["tags", "environment", "ownerGroup", "oncallServiceId"] as const)
            .filter((k) => policy[k] !== undefined)
            .map((k) => [k, { from: current[k] ?? null, to: row[k] ?? null }]),
        ),
      },
    });
    return toTargetDto(row);
  });
}
