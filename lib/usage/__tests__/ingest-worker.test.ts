import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { filesOf } from "../files";
import { importUsage, type UsageInput } from "../import";
import { BATCH_ROWS } from "../ingest/pipeline";
import { activeGrant, addsUp, eventsOf } from "./helpers";

// The worker thread (lib/usage/ingest/worker.ts) maps what the importing thread would have mapped: the same
// inputs imported both ways give the same summary, reason for reason, and the same stored rows.

const FIX = path.join(__dirname, "../__fixtures__");
const dir = mkdtempSync(path.join(tmpdir(), "elevate-ingest-worker-"));
let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await h?.close();
});

/** Every fixture of the three clouds, plus inputs that go wrong in each way the reader knows. */
function writeInputs(into: string, org: SeededOrg, grantId: string): void {
  mkdirSync(into, { recursive: true });
  for (const sub of ["stratus", "google", "own", "otrf"]) {
    for (const f of readdirSync(path.join(FIX, sub)).filter((n) => /\.(json|jsonl)$/.test(n))) {
      writeFileSync(path.join(into, `${sub}-${f}`), readFileSync(path.join(FIX, sub, f)));
    }
  }
  const account = org.targets.aws.externalId;
  // Enough calls to cut several batches, some by the grant's own role (attributed), each logged twice in
  // the file (the second is a duplicate, within a batch or across two).
  const calls = Array.from({ length: BATCH_ROWS * 2 + 17 }, (_, i) => ({
    eventVersion: "1.09",
    eventID: `11111111-0000-4000-8000-${String(i).padStart(12, "0")}`,
    eventTime: new Date(Date.UTC(2026, 10, 30, 12) + i).toISOString(),
    eventSource: "s3.amazonaws.com",
    eventName: "GetObject",
    recipientAccountId: account,
    userIdentity: {
      type: "AssumedRole",
      arn:
        i % 3 === 0
          ? `arn:aws:sts::${account}:assumed-role/elevate-${grantId}/${grantId}`
          : `arn:aws:sts::${account}:assumed-role/Team/user${i}`,
    },
  }));
  writeFileSync(path.join(into, "many.json.gz"), gzipSync(JSON.stringify({ Records: [...calls, ...calls] })));
  // A gzip cut short, one damaged near its start (inflating fails there; in 1 KB chunks, dozens more come
  // after), a file that stops mid-record, and one that is not JSON at all.
  // Their bytes do not depend on the org (a cut at a byte count must cut the same records both ways).
  const zipped = gzipSync(
    JSON.stringify({ Records: calls.filter((_, i) => i % 3 !== 0) }).replaceAll(account, "0"),
  );
  writeFileSync(path.join(into, "cut.json.gz"), zipped.subarray(0, zipped.length >> 1));
  const damaged = Buffer.from(zipped);
  damaged.fill(0xff, 100, 120); // zlib: "invalid distance too far back"
  writeFileSync(path.join(into, "damaged.json.gz"), damaged);
  writeFileSync(path.join(into, "broken.json"), '{"Records":[{"eventID":"a"},42,{"eventID":');
  writeFileSync(path.join(into, "garbage.log"), "\u0000\u0001 not a log\n{");
}

async function importBoth(inputs: (into: string) => AsyncIterable<UsageInput> | UsageInput[]) {
  const out = [];
  for (const parallel of [false, true]) {
    const org = await createTestOrg(h.db);
    const grantId = await activeGrant(h.db, org, "aws", ["s3:GetObject"]);
    const into = path.join(dir, `${parallel}-${org.org.id}`);
    writeInputs(into, org, grantId);
    const summary = await importUsage({
      ctx: systemCtx(h.db, org.org.id, "test"),
      input: { source: "cli", name: "both ways" },
      inputs: inputs(into),
      parallel,
    });
    const rows = (await eventsOf(h.db, org))
      .map((e) => ({
        cloud: e.cloud,
        eventId: e.eventId.replaceAll(grantId, "<grant>"),
        occurredAt: e.occurredAt.toISOString(),
        scope: e.scope === org.targets.aws.externalId ? "<account>" : e.scope,
        principal: e.principal
          .replaceAll(grantId, "<grant>")
          .replaceAll(org.targets.aws.externalId, "<account>"),
        permission: e.permission,
        allowed: e.allowed,
        resource: e.resource,
        operation: e.operation,
        attribution: e.attribution,
        granted: e.grantId === grantId,
      }))
      .sort((a, b) => (a.cloud + a.eventId < b.cloud + b.eventId ? -1 : 1));
    out.push({ summary, rows });
  }
  return out;
}

/**
 * Inputs that end inside a record (broken.json, garbage.log, the cut gzip) or fail before their first
 * (the damaged gzip).
 */
const brokenInputs = (reasons: Record<string, number>) =>
  (reasons["truncated record"] ?? 0) + (reasons["corrupt gzip"] ?? 0);

const withoutClock = ({ importId: _, seconds: __, ...rest }: Awaited<ReturnType<typeof importUsage>>) => rest;

describe("usage ingest in a worker thread", () => {
  it("files read by the worker: the same summary and the same rows as on the importing thread", async () => {
    const [here, there] = await importBoth((into) => filesOf(into));
    expect(withoutClock(there.summary)).toEqual(withoutClock(here.summary));
    expect(there.rows).toEqual(here.rows);
    // The inputs did exercise what they were written for.
    expect(here.summary.duplicates).toBeGreaterThanOrEqual(BATCH_ROWS * 2);
    expect(here.summary.attributed).toBeGreaterThan(BATCH_ROWS / 2);
    expect(brokenInputs(here.summary.reasons)).toBe(4);
    expect(here.summary.malformed).toBeGreaterThanOrEqual(4);
    expect(addsUp(there.summary, there.rows.length)).toBe(true);
  }, 120_000);

  it("streams sent in small chunks (an upload): the same summary and rows, a gzip damaged mid-stream included", async () => {
    // 1 KB chunks: many more than the worker is sent ahead, so the flow control runs throughout.
    const chunked = async function* (into: string): AsyncGenerator<UsageInput> {
      for await (const f of filesOf(into)) {
        if (!("path" in f)) continue;
        const bytes = readFileSync(f.path);
        const parts = Array.from({ length: Math.ceil(bytes.length / 1024) }, (_, i) =>
          bytes.subarray(i * 1024, (i + 1) * 1024),
        );
        yield { name: f.name, stream: Readable.from(parts) };
      }
    };
    const [here, there] = await importBoth(chunked);
    expect(withoutClock(there.summary)).toEqual(withoutClock(here.summary));
    expect(there.rows).toEqual(here.rows);
    expect(brokenInputs(here.summary.reasons)).toBe(4);
  }, 120_000);

  it("a file that cannot be read fails the import, as it does on the importing thread (no hang)", async () => {
    const org = await createTestOrg(h.db);
    const run = (parallel: boolean) =>
      importUsage({
        ctx: systemCtx(h.db, org.org.id, "test"),
        input: { source: "cli", name: "missing" },
        inputs: [{ name: "missing", path: path.join(dir, "no-such-file.json") }],
        parallel,
      });
    await expect(run(false)).rejects.toThrow(/ENOENT/);
    await expect(run(true)).rejects.toThrow(/ENOENT/);
  });
});
