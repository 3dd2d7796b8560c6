import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { auditEvents, organizations, scimTokens } from "@/db/schema";
import { authenticateScimToken } from "@/lib/scim/token";

const BIN = path.resolve(__dirname, "../../bin/elevate.mjs");
const dir = mkdtempSync(path.join(tmpdir(), "elevate-scim-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function elevate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ELEVATE_DATA_DIR: dir, ELEVATE_ORG_SLUG: "acme" };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 99) : 0, stdout, stderr });
    });
  });
}

describe("elevate scim token", () => {
  it("prints a token once, stores only its hash, and a new one revokes the old", async () => {
    expect((await elevate("db", "migrate")).code).toBe(0);
    expect((await elevate("seed")).code).toBe(0);
    const first = await elevate("scim", "token");
    expect(first.code).toBe(0);
    const a = first.stdout.trim();
    expect(a).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(first.stderr).toContain("shown only now");
    expect(first.stderr).not.toContain(a);
    const second = await elevate("scim", "token");
    const b = second.stdout.trim();
    expect(second.stderr).toContain("1 earlier token revoked");
    const noOrg = await elevate("scim", "token", "--org", "nope");
    expect(noOrg.code).toBe(1);
    expect(noOrg.stderr).toContain('no organization with slug "nope"');

    const h = await openDb({ dataDir: path.join(dir, "pglite") });
    try {
      const [org] = await h.db.select().from(organizations).where(eq(organizations.slug, "acme"));
      const rows = await h.db.select().from(scimTokens).where(eq(scimTokens.orgId, org.id));
      expect(rows).toHaveLength(2);
      for (const r of rows) {
        expect(r.secretHash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(r)).not.toContain(a.slice(13));
        expect(JSON.stringify(r)).not.toContain(b.slice(13));
      }
      expect(await authenticateScimToken(h.db, a)).toBeNull();
      expect(await authenticateScimToken(h.db, b)).toMatchObject({ orgId: org.id });
      const audit = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "scim.token_created"));
      expect(audit.map((e) => `${e.actorType}:${e.actorId}`)).toEqual(["system:cli", "system:cli"]);
    } finally {
      await h.close();
    }
  }, 180_000);
});
