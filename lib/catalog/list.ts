import { asc, desc, eq } from "drizzle-orm";
import { type CloudPermissions, type Risk, targets, taskTemplates } from "@/db/schema";
import type { Ctx } from "@/lib/ctx";

export type TargetDto = {
  id: string;
  name: string;
  cloud: "aws" | "gcp" | "azure";
  externalId: string;
  adapter: string;
};
export type TemplateDto = {
  id: string;
  key: string;
  version: number;
  name: string;
  description: string;
  risk: Risk;
  placeholders: string[];
  permissions: CloudPermissions;
};

/**
 * Everyone in the org may see what can be requested, so no permission beyond membership is checked.
 * Connection settings are left out: they name credentials.
 */
export async function listTargets({ ctx }: { ctx: Ctx }): Promise<TargetDto[]> {
  return ctx.db
    .select({
      id: targets.id,
      name: targets.name,
      cloud: targets.cloud,
      externalId: targets.externalId,
      adapter: targets.adapter,
    })
    .from(targets)
    .where(eq(targets.orgId, ctx.orgId))
    .orderBy(asc(targets.name));
}

/** The latest version of each template key. */
export async function listTemplates({ ctx }: { ctx: Ctx }): Promise<TemplateDto[]> {
  return ctx.db
    .selectDistinctOn([taskTemplates.key], {
      id: taskTemplates.id,
      key: taskTemplates.key,
      version: taskTemplates.version,
      name: taskTemplates.name,
      description: taskTemplates.description,
      risk: taskTemplates.risk,
      placeholders: taskTemplates.placeholders,
      permissions: taskTemplates.permissions,
    })
    .from(taskTemplates)
    .where(eq(taskTemplates.orgId, ctx.orgId))
    .orderBy(asc(taskTemplates.key), desc(taskTemplates.version));
}
