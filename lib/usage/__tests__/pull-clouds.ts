import { readFileSync } from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { targets, usageEvents } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import type { FakeActivityEvent } from "@/lib/clouds/fakes/azure-activity-log";
import type { FakeLogEntry } from "@/lib/clouds/fakes/gcp-logging";

/**
 * Real-format records for the GCP and Azure pull tests, from the repository's fixtures (their licence and
 * source sit beside them): Google's captured Cloud Audit Logs samples (lib/usage/__fixtures__/google,
 * Apache-2.0), the product's `gcloud logging read` cases and `az monitor activity-log list` output
 * (lib/usage/__fixtures__/own). Only the project, the ids, the times and the caller are rewritten, so the
 * events fall in the test's window and name its people.
 */
const FIXTURES = path.join(__dirname, "..", "__fixtures__");
const read = (p: string) => JSON.parse(readFileSync(path.join(FIXTURES, p), "utf8"));

export const PROJECT = "elevate-demo-prod";
export const SUBSCRIPTION = "00000000-0000-4000-8000-000000000001";

type Entry = FakeLogEntry & { protoPayload: { authenticationInfo: { principalEmail: string } } };

/** Google's two samples and the own `gcloud logging read` cases, as LogEntry JSON for `project`. */
export function gcpEntries(opts: {
  principal: string;
  otherPrincipal: string;
  at: (i: number) => string;
  tag: string;
}) {
  const google: Entry[] = [
    read("google/LogEntryData-pubsubCreateTopic.json"),
    read("google/LogEntryData-monitoringCreateTimeSeries.json"),
  ];
  const own: Entry[] = read("own/gcp-gcloud-logging-read.json");
  return [...google, ...own].map((e, i) => {
    const copy = structuredClone(e);
    copy.logName = copy.logName.replace(/^projects\/[^/]+\//, `projects/${PROJECT}/`);
    copy.insertId = `${opts.tag}-${i}-${copy.insertId}`;
    copy.timestamp = opts.at(i);
    delete copy.receiveTimestamp;
    // Google's samples are the person's calls; the own cases are someone outside any grant.
    copy.protoPayload.authenticationInfo.principalEmail =
      i < google.length ? opts.principal : opts.otherPrincipal;
    return copy as FakeLogEntry;
  });
}

/** The own `az monitor activity-log list` cases (Started, Succeeded, Forbidden, Conflict, unknown operation). */
export function azureEvents(opts: {
  caller: string;
  at: (i: number) => string;
  tag: string;
}): FakeActivityEvent[] {
  const events: FakeActivityEvent[] = read("own/azure-activity-log-list.json");
  return events.map((e, i) => ({
    ...structuredClone(e),
    eventDataId: `${opts.tag}-${e.eventDataId}`,
    eventTimestamp: opts.at(i),
    caller: opts.caller,
  }));
}

/** The org's target switched to a cloud adapter pointed at a fake. */
export async function pointTarget(
  db: Db,
  org: SeededOrg,
  cloud: "gcp" | "azure",
  settings: Record<string, unknown>,
) {
  await db.update(targets).set({ adapter: cloud, settings }).where(eq(targets.id, org.targets[cloud].id));
}

/** The columns attribution decides, per stored row, sorted: what must not depend on the way in. */
export async function attributedRows(db: Db, org: SeededOrg, cloud: "gcp" | "azure") {
  const rows = await db
    .select({
      eventId: usageEvents.eventId,
      occurredAt: usageEvents.occurredAt,
      targetId: usageEvents.targetId,
      scope: usageEvents.scope,
      principal: usageEvents.principal,
      permission: usageEvents.permission,
      allowed: usageEvents.allowed,
      resource: usageEvents.resource,
      operation: usageEvents.operation,
      attribution: usageEvents.attribution,
      grantId: usageEvents.grantId,
    })
    .from(usageEvents)
    .where(and(eq(usageEvents.orgId, org.org.id), eq(usageEvents.cloud, cloud)));
  return rows.sort((a, b) => a.eventId.localeCompare(b.eventId));
}

export async function deleteEvents(db: Db, org: SeededOrg, cloud: "gcp" | "azure") {
  await db.delete(usageEvents).where(and(eq(usageEvents.orgId, org.org.id), eq(usageEvents.cloud, cloud)));
}
