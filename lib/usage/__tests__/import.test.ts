import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, reportDaily, usageImports } from "@/db/schema";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { importUsage } from "../import";
import { addsUp, eventsOf, importFiles } from "./helpers";

const FIX = path.join(__dirname, "../__fixtures__");
const fixture = (...p: string[]) => readFileSync(path.join(FIX, ...p));
const stratus = Object.fromEntries(
  readdirSync(path.join(FIX, "stratus"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f, fixture("stratus", f)]),
);

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("importUsage", () => {
  it("imports the real samples of the three clouds, then finds every event a duplicate on re-import", async () => {
    const org = await createTestOrg(h.db);
    const files = {
      ...stratus,
      "otrf.jsonl.gz": gzipSync(fixture("otrf", "ec2_proxy_s3_exfiltration.sample.jsonl")),
      "pubsub.json": fixture("google", "LogEntryData-pubsubCreateTopic.json"),
      "monitoring.json": fixture("google", "LogEntryData-monitoringCreateTimeSeries.json"),
    };
    const first = await importFiles(h.db, org, files);
    // 32 Stratus records, 40 OTRF, 2 Google: console sign-in and GetCallerIdentity are not IAM actions.
    expect(first).toMatchObject({
      records: 74,
      parsed: 74,
      malformed: 0,
      unmappable: 2,
      mapped: 72,
      duplicates: 0,
    });
    expect(first.reasons).toEqual({
      "console sign-in (not an IAM action)": 1,
      "needs no permission (sts:GetCallerIdentity)": 1,
    });
    const stored = await eventsOf(h.db, org);
    expect(stored).toHaveLength(72);
    expect(addsUp(first, stored.length)).toBe(true);
    const denied = stored.filter((e) => !e.allowed);
    expect(denied.map((e) => e.permission)).toEqual(["ec2:RunInstances"]);
    expect(stored.find((e) => e.operation === "s3.amazonaws.com:ListObjects")).toMatchObject({
      permission: "s3:ListBucket",
      principal: expect.stringContaining(":assumed-role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0/"),
      sessionName: "i-0317f6c6b66ae9c40",
      attribution: "standing",
      grantId: null,
    });
    expect(stored.find((e) => e.cloud === "gcp" && e.permission === "pubsub.topics.create")).toMatchObject({
      scope: "test-project",
      principal: "robot@test-project.iam.gserviceaccount.com",
    });
    // The seeded AWS target is account 111122223333: none of the samples' accounts, so no target.
    expect(stored.every((e) => e.targetId === null)).toBe(true);
    // The import refreshed the dashboards' roll-ups of the days its events fell on: the calls are counted.
    const days = new Set(stored.map((e) => e.occurredAt.toISOString().slice(0, 10)));
    const calls = await h.db
      .select({ day: reportDaily.day })
      .from(reportDaily)
      .where(and(eq(reportDaily.orgId, org.org.id), eq(reportDaily.kind, "calls")));
    expect(new Set(calls.map((c) => c.day))).toEqual(days);

    const again = await importFiles(h.db, org, files);
    expect(again).toMatchObject({ records: 74, mapped: 72, duplicates: 72, attributed: 0 });
    expect(await eventsOf(h.db, org)).toHaveLength(72);
    expect(addsUp(again, 0)).toBe(true);

    const [imp] = await h.db.select().from(usageImports).where(eq(usageImports.id, first.importId));
    expect(imp).toMatchObject({ source: "cli", counts: { records: 74, mapped: 72 } });
    expect(imp.finishedAt).not.toBeNull();
    const audit = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.action, "usage.imported")));
    expect(audit).toHaveLength(2);
    expect(audit[0].data).toMatchObject({ records: 74, mapped: 72 });
  });

  it("accounts for every record of mixed, partly broken files, and never throws", async () => {
    const org = await createTestOrg(h.db);
    const own = (f: string) => fixture("own", f);
    const good = JSON.parse(own("aws-cases.json").toString()).map((c: { record: unknown }) => c.record);
    const files = {
      "cases.json": JSON.stringify({ Records: good }),
      "lookup.json": own("aws-lookup-events.json"),
      "eventbridge.json": own("aws-eventbridge.json"),
      "lake.json": own("aws-lake-query-results.json"),
      "gcloud.json.gz": gzipSync(own("gcp-gcloud-logging-read.json")),
      "az.json": own("azure-activity-log-list.json"),
      "diag.json": own("azure-diagnostic-export.json"),
      // the same events again, as JSON lines: duplicates
      "dup.jsonl": good.map((r: unknown) => JSON.stringify(r)).join("\n"),
      "truncated.json": `{"Records":[${JSON.stringify(good[0])},{"eventID":"x","eventTi`,
      "wrong-types.json": '{"Records":[42,"text",null,true,{"eventID":7,"eventTime":"nope"}]}',
      "nul.jsonl": `{"eventID":"n1","eventTime":"2026-11-30T10:00:00Z","eventSource":"s3.amazonaws.com\u0000","eventName":"GetObject"}\n\u0000\u0000\n`,
      "not-utf8.json": Buffer.concat([
        Buffer.from('[{"eventID":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}]'),
      ]),
      "huge.json": `[{"eventID":"h","pad":"${"x".repeat(1_200_000)}"}]`,
      "garbage.bin": Buffer.from([0x00, 0x01, 0x02, 0xff, 0x0a]),
      "corrupt.gz": Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(30, 7)]),
    };
    const s = await importFiles(h.db, org, files);
    const stored = (await eventsOf(h.db, org)).filter((e) => !e.eventId.includes("#"));
    expect(addsUp(s, stored.length)).toBe(true);
    expect(s.duplicates).toBeGreaterThanOrEqual(good.length - 3);
    expect(s.reasons).toMatchObject({
      "truncated record": 1,
      "not an object": 4,
      "not UTF-8": 1,
      "record too large": 1,
      "invalid JSON": expect.any(Number),
      "corrupt gzip": 1,
      "azure: intermediate status (the final event is counted)": 1,
    });
    expect(s.malformed).toBeGreaterThanOrEqual(9);
    expect(s.unmappable).toBeGreaterThanOrEqual(5);
  });

  it("forces a target by name; refuses an unknown target and a person without targets.manage", async () => {
    const org = await createTestOrg(h.db);
    const files = { "s.json": fixture("stratus", "aws.persistence.iam-create-admin-user.json") };
    const s = await importFiles(h.db, org, files, { target: "aws-sandbox-prod" });
    expect(s).toMatchObject({ mapped: 3 });
    expect((await eventsOf(h.db, org)).every((e) => e.targetId === org.targets.aws.id)).toBe(true);
    await expect(importFiles(h.db, org, files, { target: "nope" })).rejects.toMatchObject({
      code: "not_found",
    });
    const other = await createTestOrg(h.db);
    // Another org's target is not found either (tenancy).
    await expect(importFiles(h.db, org, files, { target: other.targets.aws.id })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      importUsage({
        ctx: await userCtx(h.db, org.users.requester),
        input: { source: "upload", name: "x" },
        inputs: [],
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });
});
