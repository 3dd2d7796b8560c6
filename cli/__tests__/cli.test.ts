import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { auditEvents, organizations } from "@/db/schema";

const BIN = path.resolve(__dirname, "../../bin/elevate.mjs");
const dir = mkdtempSync(path.join(tmpdir(), "elevate-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Run = { code: number; stdout: string; stderr: string };

/** Runs the real launcher in a child process against a private PGlite directory. */
function elevate(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ELEVATE_DATA_DIR: dir, ELEVATE_ORG_SLUG: "acme" };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("elevate CLI", () => {
  it("migrates, seeds, mints tokens, reconciles, and verifies the audit chain until it is tampered with", async () => {
    const migrated = await elevate("db", "migrate");
    expect(migrated).toMatchObject({ code: 0 });
    expect(migrated.stdout).toContain("pglite");
    const seeded = await elevate("seed");
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/seeded org acme .*: 5 users, 4 targets, \d+ templates/);

    const token = await elevate("tokens", "create", "--user", "requester@acme.example", "--name", "ci");
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^elv_[A-Za-z0-9_-]{43}$/);
    expect(token.stderr).toContain("shown only now");
    expect((await elevate("tokens", "create", "--user", "Approver@ACME.example")).code).toBe(0);
    const unknown = await elevate("tokens", "create", "--user", "nobody@acme.example");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no user nobody@acme.example");
    expect(unknown.stderr).not.toMatch(/\n\s+at /);

    const reconciled = await elevate("reconcile", "--once");
    expect(reconciled.code).toBe(0);
    expect(JSON.parse(reconciled.stdout)).toHaveProperty("expired");

    const ok = await elevate("audit", "verify");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("audit chain OK: 2 events");
    expect((await elevate("audit", "verify", "--org", "acme")).stdout).toContain("audit chain OK: 2 events");
    const noOrg = await elevate("audit", "verify", "--org", "nope");
    expect(noOrg.code).toBe(1);
    expect(noOrg.stderr).toContain('no organization with slug "nope"');

    // Edit the first event behind the trigger's back, as someone with database access could.
    const h = await openDb({ dataDir: path.join(dir, "pglite") });
    let tamperedId: number;
    try {
      const [org] = await h.db.select().from(organizations).where(eq(organizations.slug, "acme"));
      const [first] = await h.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.seq, 1)));
      tamperedId = first.id;
      await h.db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx
          .update(auditEvents)
          .set({ data: { name: "nothing to see" } })
          .where(eq(auditEvents.id, first.id));
      });
    } finally {
      await h.close();
    }

    const broken = await elevate("audit", "verify");
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`org acme`);
    expect(broken.stderr).toContain(`seq 1 event id ${tamperedId}: hash mismatch`);
  }, 180_000);
});
