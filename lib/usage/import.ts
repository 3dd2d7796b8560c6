import type { Readable } from "node:stream";
import { and, eq, or } from "drizzle-orm";
import { targets, type UsageImportCounts, type UsageSource, usageImports } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { loadOrgCatalog } from "@/lib/catalog";
import { assertPermission, type Ctx, isPerson } from "@/lib/ctx";
import { NotFound } from "@/lib/errors";
import { GrantIndex } from "./attribute";
import { Ingest } from "./ingest/pipeline";
import { refreshRollups } from "./reports/refresh";

/** One input of an import: a file on disk, or a stream (an upload, a test's bytes). */
export type UsageInput =
  | { name: string; path: string }
  | { name: string; stream: Readable | AsyncIterable<Buffer | Uint8Array | string> };
export type ImportUsageInput = { source: UsageSource; name: string; target?: string | null };
export type UsageImportSummary = UsageImportCounts & { importId: string; seconds: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The target named on import, by id or by name, in the caller's org. */
export async function resolveTarget(ctx: Ctx, ref: string): Promise<string> {
  const byId = UUID.test(ref) ? eq(targets.id, ref) : undefined;
  const [t] = await ctx.db
    .select({ id: targets.id })
    .from(targets)
    .where(and(eq(targets.orgId, ctx.orgId), byId ? or(byId, eq(targets.name, ref)) : eq(targets.name, ref)));
  if (!t) throw NotFound(`Target "${ref.slice(0, 80)}"`);
  return t.id;
}

/**
 * Imports audit logs (CloudTrail, Cloud Audit Logs, Activity Log; plain or gzip, any mix) into the org's
 * usage events. Not one transaction: a multi-GB import commits batch by batch, and re-running it is safe
 * (events are deduplicated by their own id). The import row and its audit event record the final counts.
 */
export async function importUsage({
  ctx,
  input,
  inputs,
  parallel = false,
}: {
  ctx: Ctx;
  input: ImportUsageInput;
  inputs: AsyncIterable<UsageInput> | Iterable<UsageInput>;
  /**
   * Map in a worker thread while this one stores (lib/usage/ingest/pipeline.ts): for large imports into
   * the embedded PGlite (the CLI; big uploads). A worker costs about a third of a second to start.
   */
  parallel?: boolean;
}): Promise<UsageImportSummary> {
  assertPermission(ctx, "targets.manage");
  const started = performance.now();
  const targetId = input.target ? await resolveTarget(ctx, input.target) : null;
  const [row] = await ctx.db
    .insert(usageImports)
    .values({
      orgId: ctx.orgId,
      source: input.source,
      name: input.name.slice(0, 300),
      targetId,
      startedBy: isPerson(ctx.actor) ? ctx.actor.userId : null,
    })
    .returning({ id: usageImports.id });
  const ingest = await openIngest(ctx, row.id, targetId, parallel);
  try {
    for await (const file of inputs) {
      if ("path" in file) await ingest.readFile(file.path);
      else await ingest.readStream(file.stream);
    }
    await ingest.flush();
  } finally {
    await ingest.close();
  }
  return finishImport(ctx, row.id, ingest.counts, started, ingest.days);
}

/** The ingest of one import (its row already made): the org's catalog and grants loaded for mapping. */
export async function openIngest(
  ctx: Ctx,
  importId: string,
  targetId: string | null,
  parallel = false,
): Promise<Ingest> {
  const [catalog, index] = await Promise.all([
    loadOrgCatalog(ctx.db, ctx.orgId),
    GrantIndex.load(ctx.db, ctx.orgId),
  ]);
  return new Ingest({ db: ctx.db, orgId: ctx.orgId, importId, catalog, index, targetId, parallel });
}

/**
 * Records the counts on the import row and in the audit trail, in one transaction, then refreshes the
 * report roll-ups of the days the import's events fell on (lib/usage/reports).
 */
export async function finishImport(
  ctx: Ctx,
  importId: string,
  counts: UsageImportCounts,
  started: number,
  days: Iterable<string>,
): Promise<UsageImportSummary> {
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(usageImports)
      .set({ counts, finishedAt: new Date() })
      .where(eq(usageImports.id, importId));
    const { reasons: _, ...totals } = counts;
    await appendAudit(tx, ctx, {
      action: "usage.imported",
      subjectType: "usage_import",
      subjectId: importId,
      data: totals,
    });
  });
  await refreshRollups({ db: ctx.db, orgId: ctx.orgId, days: [...days] });
  return { importId, ...counts, seconds };
}
