import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";

const BIN = path.resolve(__dirname, "../../bin/elevate.mjs");
const FIX = path.resolve(__dirname, "../../lib/usage/__fixtures__");
const dir = mkdtempSync(path.join(tmpdir(), "elevate-usage-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Run = { code: number; stdout: string; stderr: string };

/** Runs the real launcher in a child process against a private PGlite directory. */
function elevate(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ELEVATE_DATA_DIR: path.join(dir, "data"),
    ELEVATE_ORG_SLUG: "acme",
  };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const summaryOf = (r: Run) => JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}");
const KEYS = [
  "records",
  "parsed",
  "mapped",
  "attributed",
  "unmappable",
  "duplicates",
  "malformed",
  "seconds",
  "reasons",
];

describe("elevate usage import", () => {
  it("imports a directory of mixed files; its last line is a summary that adds up; a re-import is all duplicates", async () => {
    expect((await elevate("db", "migrate")).code).toBe(0);
    expect((await elevate("seed")).code).toBe(0);
    const logs = path.join(dir, "logs");
    const sub = path.join(logs, "2026", "11");
    for (const d of [logs, sub]) rmSync(d, { recursive: true, force: true });
    mkdirSync(sub, { recursive: true });
    const stratus = readFileSync(
      path.join(FIX, "stratus", "aws.credential-access.secretsmanager-retrieve-secrets.json"),
    );
    writeFileSync(path.join(sub, "trail.json.gz"), gzipSync(`{"Records":${stratus}}`));
    writeFileSync(
      path.join(logs, "sink.jsonl"),
      readFileSync(path.join(FIX, "google", "LogEntryData-pubsubCreateTopic.json"))
        .toString()
        .replace(/\n\s*/g, ""),
    );
    writeFileSync(
      path.join(logs, "az.json"),
      readFileSync(path.join(FIX, "own", "azure-activity-log-list.json")),
    );
    writeFileSync(path.join(logs, "broken.json"), '{"Records":[{"eventID":"a"},42,{"eventID":');
    writeFileSync(path.join(logs, "README.md"), "not a log: skipped in a directory");

    const first = await elevate("usage", "import", logs);
    expect(first.code).toBe(0);
    const s = summaryOf(first);
    expect(Object.keys(s)).toEqual(KEYS);
    expect(s).toMatchObject({ records: 30, malformed: 3, unmappable: 2, mapped: 25, duplicates: 0 });
    expect(s.records).toBe(s.parsed + s.malformed);
    expect(s.parsed).toBe(s.mapped + s.unmappable);
    expect(s.attributed).toBeLessThanOrEqual(s.mapped - s.duplicates);

    const again = summaryOf(await elevate("usage", "import", logs, "--org", "acme"));
    expect(again).toMatchObject({ records: 30, mapped: 25, duplicates: 25 });

    const forced = await elevate("usage", "import", path.join(sub, "trail.json.gz"), "--target", "nope");
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('Target "nope" not found');
    const missing = await elevate("usage", "import", path.join(dir, "none"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such file or directory");
  }, 300_000);
});
