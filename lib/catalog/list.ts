import { and, asc, desc, eq, sql } from "drizzle-orm";
import { preparedPerDb } from "@/db/prepared";
import {
  type Cloud,
  type CloudPermissions,
  type Risk,
  targets,
  taskTemplates,
  templateArchives,
} from "@/db/schema";
import type { Ctx } from "@/lib/ctx";

export type TargetDto = {
  id: string;
  name: string;
  cloud: Cloud;
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
  return targetsQuery(ctx.db).execute({ orgId: ctx.orgId });
}

const targetsQuery = preparedPerDb((db) =>
  db
    .select({
      id: targets.id,
      name: targets.name,
      cloud: targets.cloud,
      externalId: targets.externalId,
      adapter: targets.adapter,
    })
    .from(targets)
    .where(eq(targets.orgId, sql.placeholder("orgId")))
    .orderBy(asc(targets.name))
    .prepare("targets_list"),
);

/** The latest version of each template key. */
export async function listTemplates({ ctx }: { ctx: Ctx }): Promise<TemplateDto[]> {
  return templatesQuery(ctx.db).execute({ orgId: ctx.orgId });
}

const templatesQuery = preparedPerDb((db) =>
  db
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
    .where(
      and(
        eq(taskTemplates.orgId, sql.placeholder("orgId")),
        // Keys an access review removed (lib/templates/archive.ts) leave the catalog.
        sql`not exists (select 1 from ${templateArchives} a where a.org_id = ${taskTemplates.orgId} and a.key = ${taskTemplates.key})`,
      ),
    )
    .orderBy(asc(taskTemplates.key), desc(taskTemplates.version))
    .prepare("templates_latest"),
);
