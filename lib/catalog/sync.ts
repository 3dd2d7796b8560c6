import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { CLOUD_LABELS, CLOUD_SCOPES, type Cloud, targets } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { CatalogExport, TargetRow } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { AppError, parseInput, Unavailable, Validation } from "@/lib/errors";
import { logger } from "@/lib/log";
import { getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { describeConnectionError } from "@/lib/targets/describe-error";
import { type CatalogVersionDto, importCatalog } from "./import-catalog";

export const SyncCatalogInput = z.object({ targetId: z.string().min(1, "pick a target") });
export type SyncCatalogInput = z.input<typeof SyncCatalogInput>;

export type CatalogSyncDto = {
  targetId: string;
  cloud: Cloud;
  /** One new catalog version per export the cloud answered (e.g. roles and testable permissions). */
  versions: CatalogVersionDto[];
  added: number;
  removed: number;
  /** The cloud's request ids, kept as evidence of what was read. */
  requestIds: string[];
};

const CLOUD_NAME = CLOUD_LABELS;
const SCOPE = CLOUD_SCOPES;

/**
 * Reads a GCP or Azure target's own permission catalog through its adapter and imports every export
 * exactly as a manual import would (same parsers, same versions). All exports land in one transaction:
 * a cloud answer the importers refuse changes nothing.
 */
export async function syncCatalogFromTarget({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SyncCatalogInput;
}): Promise<CatalogSyncDto> {
  assertPermission(ctx, "templates.edit");
  const { targetId } = parseInput(SyncCatalogInput, input);
  const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, targetId);
  const { exports, requestIds } = await readCatalog(ctx, target);

  const versions = await ctx.db.transaction(async (tx) => {
    const inTx = { ...ctx, db: tx };
    const out: CatalogVersionDto[] = [];
    for (const e of exports) out.push(await importExport(inTx, target, e));
    await appendAudit(tx, ctx, {
      action: "catalog.synced",
      subjectType: "target",
      subjectId: target.id,
      data: {
        versionIds: out.map((v) => v.id),
        added: sum(out, "added"),
        removed: sum(out, "removed"),
        requestIds,
      },
    });
    return out;
  });
  return {
    targetId: target.id,
    cloud: target.cloud,
    versions,
    added: sum(versions, "added"),
    removed: sum(versions, "removed"),
    requestIds,
  };
}

async function readCatalog(ctx: Ctx, target: TargetRow) {
  const adapter = adapterFor(ctx.db, target);
  if (!adapter.syncCatalog) {
    const why = target.adapter === "aws" ? "; AWS's catalog comes from iam-data" : "";
    throw Validation("targetId", `no catalog sync for this adapter (${target.adapter})${why}`);
  }
  try {
    return await adapter.syncCatalog(target);
  } catch (err) {
    const scope = `${SCOPE[target.cloud]} ${target.externalId}`;
    const message = describeConnectionError(target.cloud, scope, err);
    // Not the error object: SDK errors can carry the request's Authorization header.
    logger.info({ orgId: ctx.orgId, targetId: target.id, message }, "catalog sync failed");
    throw Unavailable(`could not read the catalog of ${target.name}: ${message}`);
  }
}

/** A refused export is the cloud's answer, not the admin's input: say so, rather than blame a field. */
async function importExport(ctx: Ctx, target: TargetRow, e: CatalogExport): Promise<CatalogVersionDto> {
  try {
    return await importCatalog({
      ctx,
      input: { cloud: target.cloud, format: e.format, content: e.content },
    });
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "validation") throw err;
    throw Unavailable(
      `${CLOUD_NAME[target.cloud]} answered ${e.format} in a shape Elevate cannot read (${err.message}); nothing was changed`,
    );
  }
}

const sum = (vs: CatalogVersionDto[], k: "added" | "removed") => vs.reduce((n, v) => n + v[k], 0);

export type SyncTargetDto = { id: string; name: string; cloud: Cloud; externalId: string };

/** The org's targets whose adapter can read the cloud's catalog (GCP and Azure; not sandbox or AWS). */
export async function listSyncTargets({ ctx }: { ctx: Ctx }): Promise<SyncTargetDto[]> {
  assertPermission(ctx, "templates.edit");
  return ctx.db
    .select({ id: targets.id, name: targets.name, cloud: targets.cloud, externalId: targets.externalId })
    .from(targets)
    .where(and(eq(targets.orgId, ctx.orgId), inArray(targets.adapter, ["gcp", "azure", "kubernetes"])))
    .orderBy(asc(targets.name));
}
