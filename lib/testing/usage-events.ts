import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { type UsageCloud, usageEvents } from "@/db/schema";

/**
 * Test fixture for observed usage: writes usage_events rows as the ingestion would, without parsing a log.
 * Stands in for the ingestion's import until tests can feed it real log files.
 */
export type FixtureEvent = {
  permission: string;
  allowed?: boolean;
  occurredAt?: Date;
  /** Set for a call made with a grant; left out for standing access (then `principal` names the caller). */
  grantId?: string;
  principal?: string;
  cloud?: UsageCloud;
  targetId?: string | null;
  /** How many identical calls (distinct event ids). */
  times?: number;
};

export async function insertUsageEvents(db: Db, orgId: string, events: FixtureEvent[]): Promise<number> {
  const rows = events.flatMap((e) =>
    Array.from({ length: e.times ?? 1 }, () => ({
      orgId,
      cloud: e.cloud ?? ("aws" as const),
      eventId: randomUUID(),
      occurredAt: e.occurredAt ?? new Date(),
      targetId: e.targetId ?? null,
      principal: e.principal ?? `arn:aws:sts::111122223333:assumed-role/elevate/${e.grantId ?? "standing"}`,
      sessionName: e.grantId ?? null,
      permission: e.permission,
      allowed: e.allowed ?? true,
      resource: null,
      operation: e.permission,
      attribution: e.grantId ? ("grant" as const) : ("standing" as const),
      grantId: e.grantId ?? null,
    })),
  );
  for (let i = 0; i < rows.length; i += 1000) await db.insert(usageEvents).values(rows.slice(i, i + 1000));
  return rows.length;
}
