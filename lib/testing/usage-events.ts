import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { type UsageCloud, usageEvents } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { decideRequest } from "@/lib/access/decide";
import type { SubmitInput } from "@/lib/access/schemas";
import { submitRequest } from "@/lib/access/submit";
import { provisionGrant } from "@/lib/grants/provision";
import { systemCtx, userCtx } from "./ctx";

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

type Person = "requester" | "approver" | "approver2" | "admin";

/**
 * An active grant made through the product's verbs: `who` submits, an approver who is not them approves,
 * the system provisions it in the sandbox cloud.
 */
export async function activeGrantFor(
  db: Db,
  org: SeededOrg,
  who: Person,
  input: Partial<SubmitInput> & Pick<SubmitInput, "targetId">,
) {
  const request = await submitRequest({
    ctx: await userCtx(db, org.users[who]),
    input: {
      durationMinutes: 60,
      justification: "Usage fixture",
      ticketUrl: "https://tickets.example/USAGE-1",
      ...input,
    },
  });
  const approver = who === "approver" ? org.users.approver2 : org.users.approver;
  const decided = await decideRequest({
    ctx: await userCtx(db, approver),
    input: { requestId: request.id, verdict: "approve" },
  });
  const grantId = decided.grants[0].id;
  await provisionGrant({ ctx: systemCtx(db, org.org.id), input: { grantId } });
  return { requestId: request.id, grantId };
}
