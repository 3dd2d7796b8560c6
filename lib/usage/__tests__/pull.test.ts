import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { targets, usageCheckpoints } from "@/db/schema";
import { startFakeCloudTrail } from "@/lib/clouds/fakes/aws-cloudtrail";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { pullAll, pullTarget } from "../pull/pull-target";
import { activeGrant, eventsOf } from "./helpers";

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

const ACCOUNT = "111122223333";
const KEY_VARS = {
  accessKeyIdVar: "ELEVATE_CLOUD_USAGE_TEST_KEY",
  secretAccessKeyVar: "ELEVATE_CLOUD_USAGE_TEST_SECRET",
};
process.env.ELEVATE_CLOUD_USAGE_TEST_KEY = "AKIAELEVATETEST00001";
process.env.ELEVATE_CLOUD_USAGE_TEST_SECRET = "not-a-secret";

function addEvent(arn: string, name: string, time: Date) {
  const id = randomUUID();
  fake.events.push({
    id,
    name,
    time,
    record: {
      eventVersion: "1.08",
      eventID: id,
      eventTime: time.toISOString(),
      eventSource: "ec2.amazonaws.com",
      eventName: name,
      recipientAccountId: ACCOUNT,
      userIdentity: { type: "AssumedRole", arn, accountId: ACCOUNT },
    },
  });
  return id;
}

describe("scheduled pull (CloudTrail LookupEvents through the real SDK, against a loopback fake)", () => {
  it("imports the window, resumes from its checkpoint, and backs off when throttled", async () => {
    const org = await createTestOrg(h.db);
    const grantId = await activeGrant(h.db, org, "aws", ["ec2:StartInstances"]);
    // The org's AWS target, switched to the AWS adapter pointed at the fake.
    await h.db
      .update(targets)
      .set({
        adapter: "aws",
        settings: { endpoint: fake.url, region: "eu-west-1", credentials: { type: "env", ...KEY_VARS } },
      })
      .where(eq(targets.id, org.targets.aws.id));
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/elevate-${grantId}/${grantId}`;
    const t0 = Date.now();
    for (let i = 0; i < 120; i++) addEvent(session, "StartInstances", new Date(t0 - 3600_000 + i * 1000));
    const other = addEvent(`arn:aws:iam::${ACCOUNT}:user/ci`, "DescribeInstances", new Date(t0 - 1800_000));
    const ctx = systemCtx(h.db, org.org.id, "test");
    const slept: number[] = [];
    const options = { lagMs: 0, sleep: async (ms: number) => void slept.push(ms) };

    fake.throttleNext(2);
    const first = await pullTarget({
      ctx,
      input: { targetId: org.targets.aws.id },
      options: { ...options, now: () => new Date(t0) },
    });
    expect(first).toMatchObject({ records: 121, mapped: 121, attributed: 120, duplicates: 0, throttled: 2 });
    expect(slept).toEqual([500, 1000]);
    const rows = await eventsOf(h.db, org);
    expect(rows).toHaveLength(121);
    expect(rows.find((r) => r.eventId === other)).toMatchObject({
      attribution: "standing",
      targetId: org.targets.aws.id,
    });
    const [cp] = await h.db
      .select()
      .from(usageCheckpoints)
      .where(eq(usageCheckpoints.targetId, org.targets.aws.id));
    expect(cp).toMatchObject({ cursor: { until: new Date(t0).toISOString() }, pulledEvents: 121 });

    // Later: only what is new since the checkpoint is asked for and read.
    addEvent(session, "StopInstances", new Date(t0 + 30_000));
    const callsBefore = fake.calls.length;
    const second = await pullTarget({
      ctx,
      input: { targetId: org.targets.aws.id },
      options: { ...options, now: () => new Date(t0 + 60_000) },
    });
    expect(second).toMatchObject({ records: 1, mapped: 1, duplicates: 0, attributed: 1 });
    expect(fake.calls.slice(callsBefore).every((c) => c.start >= t0 - 1000)).toBe(true);
    expect(await eventsOf(h.db, org)).toHaveLength(122);

    // Throttled past its patience: the pass fails and the checkpoint stays.
    fake.throttleNext(10);
    await expect(
      pullTarget({
        ctx,
        input: { targetId: org.targets.aws.id },
        options: { ...options, maxThrottleRetries: 2, now: () => new Date(t0 + 120_000) },
      }),
    ).rejects.toThrow("throttled");
    fake.throttleNext(0);
    const [after] = await h.db
      .select()
      .from(usageCheckpoints)
      .where(eq(usageCheckpoints.targetId, org.targets.aws.id));
    expect(after.cursor).toEqual({ until: new Date(t0 + 60_000).toISOString() });

    // The sweep over every org's pullable targets finds this one and reads nothing new.
    const all = await pullAll({ db: h.db, options: { ...options } });
    expect(all.pulled).toBeGreaterThanOrEqual(1);
  });
});
