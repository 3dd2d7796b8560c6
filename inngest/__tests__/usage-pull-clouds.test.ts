import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { usageCheckpoints } from "@/db/schema";
import { startFakeActivityLog } from "@/lib/clouds/fakes/azure-activity-log";
import { startFakeCloudLogging } from "@/lib/clouds/fakes/gcp-logging";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { azureEvents, gcpEntries, pointTarget } from "@/lib/usage/__tests__/pull-clouds";
import { createUsagePull } from "../functions/usage-pull";
import { InngestTestEngine, testDeps } from "./helpers";

let h: DbHandle;
let gcp: Awaited<ReturnType<typeof startFakeCloudLogging>>;
let azure: Awaited<ReturnType<typeof startFakeActivityLog>>;
beforeAll(async () => {
  h = await openTestDb();
  gcp = await startFakeCloudLogging();
  azure = await startFakeActivityLog();
});
afterAll(async () => {
  await gcp?.stop();
  await azure?.stop();
  await h?.close();
});

process.env.ELEVATE_CLOUD_USAGE_CRON_GCP = "ya29.fake-access-token";
process.env.ELEVATE_CLOUD_USAGE_CRON_AZURE = "fake-arm-token";

describe("usage-pull cron with GCP and Azure targets (@inngest/test runs the tick; the real SDKs against loopback fakes)", () => {
  it("pulls the org's GCP and Azure targets in the same tick as AWS", async () => {
    const org = await createTestOrg(h.db);
    await pointTarget(h.db, org, "gcp", {
      endpoint: gcp.url,
      credentials: { type: "env-json", var: "ELEVATE_CLOUD_USAGE_CRON_GCP" },
    });
    await pointTarget(h.db, org, "azure", {
      endpoint: azure.url,
      ca: azure.ca,
      credentials: { type: "env-token", var: "ELEVATE_CLOUD_USAGE_CRON_AZURE" },
    });
    const at = () => new Date(Date.now() - 600_000).toISOString();
    gcp.entries.push(
      ...gcpEntries({ principal: "x@example.com", otherPrincipal: "y@example.com", at, tag: "cron" }).slice(
        0,
        2,
      ),
    );
    azure.events.push(...azureEvents({ caller: "x@example.com", at, tag: "cron" }).slice(1, 2));
    const { deps } = testDeps(h.db, org.org.id);
    const { result, error } = await new InngestTestEngine({
      function: createUsagePull(deps),
      events: [{ name: "inngest/scheduled.timer", data: { cron: "*/15 * * * *" } }],
    }).execute();
    expect(error).toBeUndefined();
    // The org's AWS target stays on the sandbox adapter (nothing to pull); GCP and Azure are pulled.
    expect(result).toMatchObject({ targets: 2, pulled: 2, failed: 0, records: 3 });
    for (const [id, n] of [
      [org.targets.gcp.id, 2],
      [org.targets.azure.id, 1],
    ] as const) {
      const [cp] = await h.db.select().from(usageCheckpoints).where(eq(usageCheckpoints.targetId, id));
      expect(cp.pulledEvents).toBe(n);
    }
  });
});
