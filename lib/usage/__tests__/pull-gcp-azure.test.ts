import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { usageCheckpoints } from "@/db/schema";
import { startFakeActivityLog } from "@/lib/clouds/fakes/azure-activity-log";
import { startFakeCloudLogging } from "@/lib/clouds/fakes/gcp-logging";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { pullTarget } from "../pull/pull-target";
import { startUsagePullTimer } from "../pull/timer";
import { activeGrant, eventsOf, importFiles } from "./helpers";
import {
  attributedRows,
  azureEvents,
  deleteEvents,
  gcpEntries,
  PROJECT,
  pointTarget,
  SUBSCRIPTION,
} from "./pull-clouds";

let h: DbHandle;
let gcp: Awaited<ReturnType<typeof startFakeCloudLogging>>;
let azure: Awaited<ReturnType<typeof startFakeActivityLog>>;
beforeAll(async () => {
  h = await openTestDb();
  // Short pages, as the real APIs may return: the pull must follow every page token / nextLink.
  gcp = await startFakeCloudLogging({ maxPerPage: 3 });
  azure = await startFakeActivityLog({ pageSize: 2 });
});
afterAll(async () => {
  await gcp?.stop();
  await azure?.stop();
  await h?.close();
});

// Secrets the targets' settings name (a bare OAuth token for GCP, an ARM token for Azure).
process.env.ELEVATE_CLOUD_USAGE_PULL_GCP = "ya29.fake-access-token";
process.env.ELEVATE_CLOUD_USAGE_PULL_AZURE = "fake-arm-token";
const gcpSettings = () => ({
  endpoint: gcp.url,
  credentials: { type: "env-json", var: "ELEVATE_CLOUD_USAGE_PULL_GCP" },
});
const azureSettings = () => ({
  endpoint: azure.url,
  ca: azure.ca,
  credentials: { type: "env-token", var: "ELEVATE_CLOUD_USAGE_PULL_AZURE" },
});

const LOGS = [
  `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity`,
  `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Fdata_access`,
];

describe("scheduled pull, GCP (@google-cloud/logging entries.list over REST, against a loopback Logging API)", () => {
  it("reads both audit logs in the window page by page, backs off on RESOURCE_EXHAUSTED, resumes, and attributes as an upload", async () => {
    const org = await createTestOrg(h.db);
    const grantId = await activeGrant(h.db, org, "gcp", [
      "pubsub.topics.create",
      "monitoring.timeSeries.create",
    ]);
    await pointTarget(h.db, org, "gcp", gcpSettings());
    const t0 = Date.now();
    const tag = `g${t0}`;
    const entries = gcpEntries({
      principal: org.users.requester.email,
      otherPrincipal: "alice@example.com",
      at: (i) => new Date(t0 + i * 1000).toISOString(),
      tag,
    });
    // Outside what the pull asks for: another log of the project, and a call before the window.
    const systemEvent = {
      ...structuredClone(entries[0]),
      insertId: `${tag}-system`,
      logName: `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Fsystem_event`,
    };
    const early = {
      ...structuredClone(entries[0]),
      insertId: `${tag}-early`,
      timestamp: new Date(t0 - 2 * 86_400_000).toISOString(),
    };
    gcp.entries.push(...entries, systemEvent, early);

    const ctx = systemCtx(h.db, org.org.id, "test");
    const slept: number[] = [];
    const options = { lagMs: 0, sleep: async (ms: number) => void slept.push(ms) };
    const end1 = new Date(t0 + 5 * 60_000);
    const before = gcp.requests.length;
    gcp.injectFault({ match: "POST /v2/entries:list", status: 429, times: 2 });
    const first = await pullTarget({
      ctx,
      input: { targetId: org.targets.gcp.id },
      options: { ...options, now: () => end1 },
    });
    // Google's 2 samples (the person's, during the grant) and the 7 own cases (someone else's): 9 entries.
    // Mapping as for files: the own cases hold 2 unmappable methods (map.test.ts covers which).
    expect(first).toMatchObject({ records: 9, malformed: 0, throttled: 2, attributed: 2, duplicates: 0 });
    expect(first.mapped + first.unmappable).toBe(9);
    expect(slept).toEqual([500, 1000]);

    // What went on the wire: the project, both audit logs, the window, oldest first, 1,000 a page, every token followed.
    const sent = gcp.requests.slice(before);
    expect(sent.length).toBe(Math.ceil(9 / 3));
    for (const r of sent) {
      expect(r.resourceNames).toEqual([`projects/${PROJECT}`]);
      expect(r.orderBy).toBe("timestamp asc");
      expect(r.pageSize).toBe(1000);
      for (const log of LOGS) expect(r.filter).toContain(`"${log}"`);
      expect(r.filter).toContain(`timestamp>="${new Date(end1.getTime() - 86_400_000).toISOString()}"`);
      expect(r.filter).toContain(`timestamp<"${end1.toISOString()}"`);
    }
    expect(sent[0].pageToken).toBeUndefined();
    expect(sent.slice(1).every((r) => typeof r.pageToken === "string" && r.pageToken.length > 0)).toBe(true);

    const pulled = await attributedRows(h.db, org, "gcp");
    expect(
      pulled
        .filter((r) => r.grantId === grantId)
        .map((r) => r.permission)
        .sort(),
    ).toEqual(["monitoring.timeSeries.create", "pubsub.topics.create"]);
    expect(pulled.every((r) => r.targetId === org.targets.gcp.id)).toBe(true);
    expect(pulled.some((r) => r.eventId.includes("system") || r.eventId.includes("early"))).toBe(false);

    // The oracle: the same LogEntry JSON uploaded as a file lands with the same attribution, row for row.
    await deleteEvents(h.db, org, "gcp");
    const uploaded = await importFiles(
      h.db,
      org,
      { "entries.json": JSON.stringify({ entries }) },
      { target: org.targets.gcp.id },
    );
    expect(uploaded).toMatchObject({ records: 9, mapped: first.mapped, attributed: 2 });
    expect(await attributedRows(h.db, org, "gcp")).toEqual(pulled);

    const [cp] = await h.db
      .select()
      .from(usageCheckpoints)
      .where(eq(usageCheckpoints.targetId, org.targets.gcp.id));
    expect(cp).toMatchObject({ cursor: { until: end1.toISOString() }, pulledEvents: 9 });

    // The next pass asks only from the checkpoint on.
    const later = {
      ...structuredClone(entries[0]),
      insertId: `${tag}-later`,
      timestamp: new Date(end1.getTime() + 1000).toISOString(),
    };
    gcp.entries.push(later);
    const end2 = new Date(end1.getTime() + 60_000);
    const mark = gcp.requests.length;
    const second = await pullTarget({
      ctx,
      input: { targetId: org.targets.gcp.id },
      options: { ...options, now: () => end2 },
    });
    expect(second).toMatchObject({ records: 1, mapped: 1, attributed: 1, duplicates: 0 });
    expect(gcp.requests[mark].filter).toContain(`timestamp>="${end1.toISOString()}"`);

    // Quota exhausted past the runner's patience: the pass fails, the checkpoint stays.
    gcp.injectFault({ match: "POST /v2/entries:list", status: 429, times: 5 });
    await expect(
      pullTarget({
        ctx,
        input: { targetId: org.targets.gcp.id },
        options: { ...options, maxThrottleRetries: 2, now: () => new Date(end2.getTime() + 60_000) },
      }),
    ).rejects.toThrow("throttled");
    const [after] = await h.db
      .select()
      .from(usageCheckpoints)
      .where(eq(usageCheckpoints.targetId, org.targets.gcp.id));
    expect(after.cursor).toEqual({ until: end2.toISOString() });
  });
});

describe("scheduled pull, Azure (@azure/arm-monitor activityLogs.list, against a loopback Azure Monitor over TLS)", () => {
  it("filters on eventTimestamp, follows nextLink, waits Retry-After on 429, resumes, and attributes as an upload", async () => {
    const org = await createTestOrg(h.db);
    expect(org.targets.azure.externalId).toBe(SUBSCRIPTION);
    const grantId = await activeGrant(h.db, org, "azure", [
      "Microsoft.Compute/virtualMachines/restart/action",
      "Microsoft.Compute/virtualMachines/write",
    ]);
    await pointTarget(h.db, org, "azure", azureSettings());
    const t0 = Date.now();
    const tag = `a${t0}`;
    const events = azureEvents({
      caller: org.users.requester.email,
      at: (i) => new Date(t0 + i * 1000).toISOString(),
      tag,
    });
    const early = {
      ...structuredClone(events[1]),
      eventDataId: `${tag}-early`,
      eventTimestamp: new Date(t0 - 2 * 86_400_000).toISOString(),
    };
    azure.events.push(...events, early);

    const ctx = systemCtx(h.db, org.org.id, "test");
    const slept: number[] = [];
    const options = { lagMs: 0, sleep: async (ms: number) => void slept.push(ms) };
    const end1 = new Date(t0 + 5 * 60_000);
    const before = azure.requests.length;
    azure.injectFault({ match: "GET /subscriptions/", status: 429, retryAfterSeconds: 7 });
    const first = await pullTarget({
      ctx,
      input: { targetId: org.targets.azure.id },
      options: { ...options, now: () => end1 },
    });
    // Started (intermediate) and the unknown operation are unmappable; restart Succeeded is used; delete
    // Forbidden is a denied attempt during the grant (the grant's, docs/usage.md "Attribution"); write
    // Conflict failed after authorisation, so the permission was used.
    expect(first).toMatchObject({ records: 5, mapped: 3, unmappable: 2, attributed: 3, throttled: 1 });
    expect(slept).toEqual([7000]);
    const sent = azure.requests.slice(before);
    expect(sent.length).toBe(Math.ceil(5 / 2));
    for (const r of sent) {
      expect(r.filter).toBe(
        `eventTimestamp ge '${new Date(end1.getTime() - 86_400_000).toISOString()}' and eventTimestamp le '${end1.toISOString()}'`,
      );
    }
    expect(sent.map((r) => r.skiptoken)).toEqual([null, "2", "4"]);

    const pulled = await attributedRows(h.db, org, "azure");
    expect(pulled.filter((r) => r.grantId === grantId).map((r) => [r.permission, r.allowed])).toEqual(
      expect.arrayContaining([
        ["Microsoft.Compute/virtualMachines/restart/action", true],
        ["Microsoft.Compute/virtualMachines/delete", false],
        ["Microsoft.Compute/virtualMachines/write", true],
      ]),
    );
    expect(pulled.every((r) => r.targetId === org.targets.azure.id && r.scope === SUBSCRIPTION)).toBe(true);

    // The oracle: the same events uploaded as `az monitor activity-log list` output, row for row.
    await deleteEvents(h.db, org, "azure");
    const uploaded = await importFiles(
      h.db,
      org,
      { "az.json": JSON.stringify(events) },
      { target: org.targets.azure.id },
    );
    expect(uploaded).toMatchObject({ records: 5, mapped: 3, attributed: 3 });
    expect(await attributedRows(h.db, org, "azure")).toEqual(pulled);

    // Resume from the checkpoint.
    const later = {
      ...structuredClone(events[1]),
      eventDataId: `${tag}-later`,
      eventTimestamp: new Date(end1.getTime() + 1000).toISOString(),
    };
    azure.events.push(later);
    const mark = azure.requests.length;
    const end2 = new Date(end1.getTime() + 60_000);
    const second = await pullTarget({
      ctx,
      input: { targetId: org.targets.azure.id },
      options: { ...options, now: () => end2 },
    });
    expect(second).toMatchObject({ records: 1, mapped: 1, attributed: 1, duplicates: 0 });
    expect(azure.requests[mark].filter).toContain(`eventTimestamp ge '${end1.toISOString()}'`);
    const [cp] = await h.db
      .select()
      .from(usageCheckpoints)
      .where(eq(usageCheckpoints.targetId, org.targets.azure.id));
    expect(cp).toMatchObject({ cursor: { until: end2.toISOString() }, pulledEvents: 6 });
  });
});

describe("scheduled pull, embedded timer (the inline driver's schedule)", () => {
  it("picks up GCP and Azure targets and moves their checkpoints", async () => {
    const org = await createTestOrg(h.db);
    await pointTarget(h.db, org, "gcp", gcpSettings());
    await pointTarget(h.db, org, "azure", azureSettings());
    const t0 = Date.now();
    // Inside the first pass's default window (the last 24 hours).
    gcp.entries.push(
      ...gcpEntries({
        principal: "x@example.com",
        otherPrincipal: "y@example.com",
        at: () => new Date(t0 - 600_000).toISOString(),
        tag: `timer${t0}`,
      }).slice(0, 1),
    );
    azure.events.push(
      ...azureEvents({
        caller: "x@example.com",
        at: () => new Date(t0 - 600_000).toISOString(),
        tag: `timer${t0}`,
      }).slice(1, 2),
    );
    const stop = startUsagePullTimer({ db: h.db, intervalMs: 10 });
    try {
      const checkpoint = async (targetId: string) =>
        (await h.db.select().from(usageCheckpoints).where(eq(usageCheckpoints.targetId, targetId)))[0];
      const deadline = Date.now() + 60_000;
      let got: Awaited<ReturnType<typeof checkpoint>>[] = [];
      while (Date.now() < deadline) {
        got = await Promise.all([checkpoint(org.targets.gcp.id), checkpoint(org.targets.azure.id)]);
        if (got.every((c) => c && c.pulledEvents >= 1)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // (The fakes serve one project and one subscription to every org of this file: earlier tests' events
      // are in the window too.) This org's targets were pulled, and the events put there for them landed.
      expect(got.every((c) => c && c.pulledEvents >= 1)).toBe(true);
      const ids = (await eventsOf(h.db, org)).map((r) => r.eventId);
      expect(ids.some((id) => id.endsWith(`|timer${t0}-0-9frck8cf9j`))).toBe(true);
      expect(ids).toContain(`timer${t0}-e0000000-0000-4000-8000-000000000002`);
    } finally {
      stop();
    }
  }, 90_000);
});
