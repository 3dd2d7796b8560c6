import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { targets, usageCheckpoints, usageImports } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { NotFound } from "@/lib/errors";
import { logger } from "@/lib/log";
import { SETTINGS_SCHEMAS } from "@/lib/targets/settings";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { finishImport, openIngest, type UsageImportSummary } from "../import";
import { cloudTrailSource } from "./aws";
import { activityLogSource } from "./azure";
import { cloudLoggingSource } from "./gcp";
import { type PullCursor, type PullSource, Throttled } from "./source";

export type PullOptions = {
  now?: () => Date;
  /** Waits between throttled attempts (tests pass one that only records the delay). */
  sleep?: (ms: number) => Promise<void>;
  /** How far back a pass re-reads, for events the cloud lists late (LookupEvents: typically minutes). */
  lagMs?: number;
  /** First pass: how far back to start (LookupEvents keeps 90 days). */
  initialWindowMs?: number;
  maxThrottleRetries?: number;
  /** Overrides the cloud source (tests of the runner alone). */
  source?: PullSource;
};

const DEFAULTS = { lagMs: 15 * 60_000, initialWindowMs: 24 * 3600_000, maxThrottleRetries: 6 };
const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The reader for a target's adapter, from its settings; null for adapters with no audit log to pull. */
export function sourceFor(target: typeof targets.$inferSelect): PullSource | null {
  switch (target.adapter) {
    case "aws":
      return cloudTrailSource(SETTINGS_SCHEMAS.aws.parse(target.settings));
    case "gcp":
      return cloudLoggingSource(SETTINGS_SCHEMAS.gcp.parse(target.settings), target.externalId);
    case "azure":
      return activityLogSource(SETTINGS_SCHEMAS.azure.parse(target.settings), target.externalId);
    default:
      return null;
  }
}

/**
 * One pass of the scheduled pull for one target: reads the window since its checkpoint (less `lagMs`)
 * page by page, backing off when throttled, imports every record as an upload would (forced to the
 * target), then moves the checkpoint to the window's end. A pass that fails leaves the checkpoint where it
 * was; the next pass reads the window again and its events count as duplicates.
 */
export async function pullTarget({
  ctx,
  input,
  options = {},
}: {
  ctx: Ctx;
  input: { targetId: string };
  options?: PullOptions;
}): Promise<UsageImportSummary & { window: { start: string; end: string }; throttled: number }> {
  assertPermission(ctx, "targets.manage");
  const o = { ...DEFAULTS, ...options };
  const [target] = await ctx.db
    .select()
    .from(targets)
    .where(and(eq(targets.id, input.targetId), eq(targets.orgId, ctx.orgId)));
  if (!target) throw NotFound("Target");
  const source = o.source ?? sourceFor(target);
  if (!source) throw NotFound(`Audit-log source for the ${target.adapter} adapter`);
  const [checkpoint] = await ctx.db
    .select()
    .from(usageCheckpoints)
    .where(eq(usageCheckpoints.targetId, target.id));
  const end = (o.now ?? (() => new Date()))();
  const since = (checkpoint?.cursor as PullCursor | undefined)?.until;
  const start = since
    ? new Date(new Date(since).getTime() - o.lagMs)
    : new Date(end.getTime() - o.initialWindowMs);

  const started = performance.now();
  const [row] = await ctx.db
    .insert(usageImports)
    .values({ orgId: ctx.orgId, source: "pull", name: source.name, targetId: target.id })
    .returning({ id: usageImports.id });
  const ingest = await openIngest(ctx, row.id, target.id);

  let token: string | null = null;
  let throttled = 0;
  do {
    let attempt = 0;
    for (;;) {
      try {
        const page = await source.page({ start, end }, token);
        for (const r of page.records) ingest.addValue(r);
        await ingest.flush();
        token = page.nextToken;
        break;
      } catch (err) {
        if (!(err instanceof Throttled) || attempt >= o.maxThrottleRetries) throw err;
        throttled += 1;
        // Exponential backoff with a cap, or the cloud's Retry-After when it gives one.
        await (o.sleep ?? sleepFor)(err.retryAfterMs ?? Math.min(30_000, 500 * 2 ** attempt));
        attempt += 1;
      }
    }
  } while (token);

  await ctx.db
    .insert(usageCheckpoints)
    .values({
      targetId: target.id,
      orgId: ctx.orgId,
      cursor: { until: end.toISOString() },
      pulledEvents: ingest.counts.records,
    })
    .onConflictDoUpdate({
      target: usageCheckpoints.targetId,
      set: {
        cursor: { until: end.toISOString() },
        pulledEvents: sql`${usageCheckpoints.pulledEvents} + ${ingest.counts.records}`,
        updatedAt: new Date(),
      },
    });
  const summary = await finishImport(ctx, row.id, ingest.counts, started, ingest.days);
  return { ...summary, window: { start: start.toISOString(), end: end.toISOString() }, throttled };
}

const PULLED_ADAPTERS = ["aws", "gcp", "azure"] as const;

/**
 * Every pullable target of every org, one after the other (the clouds' rate limits are per account, and
 * passes are cheap when nothing is new). One target's failure is logged and does not stop the others.
 */
export async function pullAll({ db, orgId, options }: { db: Db; orgId?: string; options?: PullOptions }) {
  const rows = await db
    .select({ id: targets.id, orgId: targets.orgId, name: targets.name })
    .from(targets)
    .where(and(inArray(targets.adapter, [...PULLED_ADAPTERS]), orgId ? eq(targets.orgId, orgId) : undefined));
  const out = { targets: rows.length, pulled: 0, failed: 0, records: 0 };
  for (const t of rows) {
    try {
      const s = await pullTarget({
        ctx: systemCtx(db, t.orgId, "usage-pull"),
        input: { targetId: t.id },
        options,
      });
      out.pulled += 1;
      out.records += s.records;
    } catch (err) {
      out.failed += 1;
      logger.error({ job: "usage-pull", orgId: t.orgId, targetId: t.id, err }, "usage pull failed");
    }
  }
  return out;
}
