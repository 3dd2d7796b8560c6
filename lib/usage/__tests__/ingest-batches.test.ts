import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { BATCH_ROWS, IN_FLIGHT } from "../ingest/pipeline";
import { addsUp, eventsOf, importFiles } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const ACCOUNT = "111122223333";
const record = (i: number) => ({
  eventVersion: "1.08",
  eventID: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  eventTime: new Date(Date.UTC(2026, 10, 30, 12) + i * 1000).toISOString(),
  eventSource: "ec2.amazonaws.com",
  eventName: "DescribeInstances",
  recipientAccountId: ACCOUNT,
  userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${ACCOUNT}:user/ci` },
});

describe("ingest batches stored side by side", () => {
  it("counts duplicates across concurrent batches exactly, whatever their order, and never deadlocks", async () => {
    const org = await createTestOrg(h.db);
    // Enough rows for every batch slot to be busy, the second file repeating the first in reverse order:
    // two batches in flight hold the same events in opposite file order.
    const n = BATCH_ROWS * (IN_FLIGHT + 1) + 123;
    const ids = Array.from({ length: n }, (_, i) => i);
    const forward = JSON.stringify({ Records: ids.map(record) });
    const backward = JSON.stringify({ Records: [...ids].reverse().map(record) });
    const s = await importFiles(h.db, org, { "a.json": forward, "b.json": backward, "c.json": forward });
    const stored = (await eventsOf(h.db, org)).length;
    expect(stored).toBe(n);
    expect(s).toMatchObject({ records: 3 * n, mapped: 3 * n, duplicates: 2 * n, malformed: 0 });
    expect(addsUp(s, stored)).toBe(true);
  }, 120_000);
});
