import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type AdapterKind, auditEvents } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { logger } from "@/lib/log";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { atRatio } from "./capacity";
import { ALERT_RATIO, CLEAR_RATIO, limitsFor } from "./limits";
import { usageOf } from "./usage";

/** Audit action of a capacity alert raised or cleared; `data.kind` says which limit. */
export const CAPACITY_ALERT_ACTION = "target.capacity_alert";

type Kind = "roles" | "bindings";
type State = "raised" | "cleared";
type TargetLike = {
  id: string;
  orgId: string;
  name: string;
  adapter: AdapterKind;
  settings: Record<string, unknown>;
};

// The audit chain remembers the last state per target and limit, so each crossing alerts once.
async function lastState(db: Db, target: TargetLike, kind: Kind): Promise<State> {
  const [row] = await db
    .select({ data: auditEvents.data })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.orgId, target.orgId),
        eq(auditEvents.subjectType, "target"),
        eq(auditEvents.subjectId, target.id),
        eq(auditEvents.action, CAPACITY_ALERT_ACTION),
        sql`${auditEvents.data}->>'kind' = ${kind}`,
      ),
    )
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return row?.data.state === "raised" ? "raised" : "cleared";
}

function wanted(state: State, used: number, limit: number): State | null {
  if (state === "cleared" && atRatio(used, limit, ALERT_RATIO)) return "raised";
  if (state === "raised" && !atRatio(used, limit, CLEAR_RATIO)) return "cleared";
  return null;
}

async function measure(db: Db, target: TargetLike, now: Date, kind: Kind) {
  const u = (await usageOf(db, [target], now, { bindings: kind === "bindings" })).get(target.id);
  return kind === "roles" ? u?.roles : u?.bindings;
}

/**
 * Raises (alert log line + audit event) when a target reaches ALERT_RATIO of a limit, and clears once it
 * falls below CLEAR_RATIO. The decision is re-made under a per-target lock, so racing callers alert once.
 */
export async function watchCapacity(db: Db, target: TargetLike, now = new Date()): Promise<State[]> {
  const changed: State[] = [];
  for (const kind of ["roles", "bindings"] as const) {
    if (kind === "bindings" && !limitsFor(target).bindings) continue;
    const first = await measure(db, target, now, kind);
    if (!first || wanted(await lastState(db, target, kind), first.used, first.limit) === null) continue;
    const done = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`capacity:${target.id}`}))`);
      const m = await measure(tx, target, now, kind);
      const next = m ? wanted(await lastState(tx, target, kind), m.used, m.limit) : null;
      if (!m || !next) return null;
      await appendAudit(tx, systemCtx(tx, target.orgId, "capacity"), {
        action: CAPACITY_ALERT_ACTION,
        subjectType: "target",
        subjectId: target.id,
        data: { kind, state: next, used: m.used, limit: m.limit, what: m.what, targetName: target.name },
      });
      return { next, m };
    });
    if (!done) continue;
    changed.push(done.next);
    if (done.next === "raised") {
      logger.error(
        {
          alert: true,
          orgId: target.orgId,
          targetId: target.id,
          kind,
          used: done.m.used,
          limit: done.m.limit,
        },
        `target ${target.name} uses ${done.m.used} of ${done.m.limit} ${done.m.what}`,
      );
    }
  }
  return changed;
}
