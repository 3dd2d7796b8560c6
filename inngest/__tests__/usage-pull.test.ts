import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { targets, usageCheckpoints } from "@/db/schema";
import { startFakeCloudTrail } from "@/lib/clouds/fakes/aws-cloudtrail";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { createUsagePull } from "../functions/usage-pull";
import { InngestTestEngine, testDeps } from "./helpers";

let h: DbHandle;
let fake: Awaited<ReturnType<typeof startFakeCloudTrail>>;
beforeAll(async () => {
  h = await openTestDb();
  fake = await startFakeCloudTrail();
});
afterAll(async () => {
  await fake?.stop();
  await h?.close();
});

process.env.ELEVATE_CLOUD_USAGE_CRON_KEY = "AKIAELEVATETEST00001";
process.env.ELEVATE_CLOUD_USAGE_CRON_SECRET = "not-a-secret";

describe("usage-pull cron (@inngest/test runs the tick; the real SDK against the loopback CloudTrail)", () => {
  it("pulls the org's AWS target and moves its checkpoint", async () => {
    const org = await createTestOrg(h.db);
    await h.db
      .update(targets)
      .set({
        adapter: "aws",
        settings: {
          endpoint: fake.url,
          credentials: {
            type: "env",
            accessKeyIdVar: "ELEVATE_CLOUD_USAGE_CRON_KEY",
            secretAccessKeyVar: "ELEVATE_CLOUD_USAGE_CRON_SECRET",
          },
        },
      })
      .where(eq(targets.id, org.targets.aws.id));
    const time = new Date(Date.now() - 600_000);
    fake.events.push({
      id: "cron-1",
      name: "DescribeInstances",
      time,
      record: {
        eventID: "cron-1",
        eventTime: time.toISOString(),
        eventSource: "ec2.amazonaws.com",
        eventName: "DescribeInstances",
        recipientAccountId: org.targets.aws.externalId,
        userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/ci" },
      },
    });
    const { deps } = testDeps(h.db, org.org.id);
    const { result, error } = await new InngestTestEngine({
      function: createUsagePull(deps),
      events: [{ name: "inngest/scheduled.timer", data: { cron: "*/15 * * * *" } }],
    }).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ targets: 1, pulled: 1, failed: 0, records: 1 });
    // The same tick refreshes this org's recent report days (lib/usage/reports).
    expect((result as { rollups: { orgs: number; days: number } }).rollups.orgs).toBe(1);
    expect((result as { rollups: { orgs: number; days: number } }).rollups.days).toBeGreaterThanOrEqual(8);
    const [cp] = await h.db
      .select()
      .from(usageCheckpoints)
      .where(eq(usageCheckpoints.targetId, org.targets.aws.id));
    expect(cp.pulledEvents).toBe(1);
  });
});
