import { execFile } from "node:child_process";
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { auditCheckpoints, auditEvents, organizations } from "@/db/schema";
import { keyIdOf } from "@/lib/audit/keys";
import { PACK_FORMAT, packText, signPack } from "@/lib/evidence/signing";

const BIN = path.resolve(__dirname, "../../bin/elevate.mjs");
const dir = mkdtempSync(path.join(tmpdir(), "elevate-audit-cli-"));
const anchorDir = path.join(dir, "anchor");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Run = { code: number; stdout: string; stderr: string };

/** The real launcher in a child process, on a private PGlite directory, with a directory anchor. */
function elevate(args: string[], extra: Record<string, string> = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ELEVATE_DATA_DIR: dir,
    ELEVATE_ORG_SLUG: "acme",
    ELEVATE_AUDIT_ANCHOR: anchorDir,
    ...extra,
  };
  delete env.DATABASE_URL;
  delete env.ELEVATE_AUDIT_SIGNING_KEY;
  if (extra.DATABASE_URL) env.DATABASE_URL = extra.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("elevate audit public-key / checkpoint / verify --anchor, evidence verify", () => {
  it("signs, anchors and verifies; names deleted checkpoints only with the anchor; verifies packs offline", async () => {
    expect((await elevate(["db", "migrate"])).code).toBe(0);
    expect((await elevate(["seed"])).code).toBe(0);
    expect((await elevate(["tokens", "create", "--user", "requester@acme.example"])).code).toBe(0);
    expect((await elevate(["tokens", "create", "--user", "approver@acme.example"])).code).toBe(0);

    const pub = await elevate(["audit", "public-key"]);
    expect(pub.code).toBe(0);
    expect(pub.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    expect(pub.stderr).toContain("production must supply its own");
    const keyFile = path.join(dir, "audit-public.pem");
    writeFileSync(keyFile, pub.stdout);

    const cp = await elevate(["audit", "checkpoint"]);
    expect(cp.code).toBe(0);
    expect(JSON.parse(cp.stdout)).toMatchObject({ seq: 2, reason: "manual", headHash: expect.any(String) });

    const ok = await elevate(["audit", "verify", "--public-key", keyFile, "--anchor", anchorDir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("audit chain OK: 2 events, 1 signed checkpoints");
    expect(ok.stdout).toContain(`anchor dir:${anchorDir} matches`);

    // Another key: the checkpoint is named as signed by a key that is not the one given.
    const otherFile = path.join(dir, "other.pem");
    writeFileSync(
      otherFile,
      generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }),
    );
    const other = await elevate(["audit", "verify", "--public-key", otherFile]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("unknown key");
    const notAKey = await elevate(["audit", "verify", "--public-key", path.join(dir, "missing.pem")]);
    expect(notAKey).toMatchObject({ code: 1 });
    expect(notAKey.stderr).toContain("--public-key: cannot read");

    // A superuser deletes the newest event and the checkpoint that covered it.
    const h = await openDb({ dataDir: path.join(dir, "pglite") });
    try {
      const [org] = await h.db.select().from(organizations).where(eq(organizations.slug, "acme"));
      await h.db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.delete(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.seq, 2)));
        await tx.delete(auditCheckpoints).where(eq(auditCheckpoints.orgId, org.id));
      });
    } finally {
      await h.close();
    }
    const blind = await elevate(["audit", "verify", "--public-key", keyFile]);
    expect(blind.code).toBe(0);
    const anchored = await elevate(["audit", "verify", "--public-key", keyFile, "--anchor", anchorDir]);
    expect(anchored.code).toBe(1);
    expect(anchored.stderr).toMatch(/seq 2 checkpoint \(anchor only\): checkpoint missing/);

    // Evidence packs verify with no database at all (an unreachable DATABASE_URL proves it is not used).
    const privateKey = createPrivateKey(readFileSync(path.join(dir, "audit-signing-key.pem"), "utf8"));
    const publicKey = createPublicKey(privateKey);
    const pk = { privateKey, publicKey, keyId: keyIdOf(publicKey), source: "data folder" };
    const pack = signPack(pk, {
      format: PACK_FORMAT,
      grant: { id: "g1", requestId: "r1", status: "revoked" },
      sections: {
        justification: { justification: "INC-1 ü", ticketUrl: null },
        audit: { events: [], checkpoint: null },
      },
    });
    const packFile = path.join(dir, "pack.json");
    writeFileSync(packFile, packText(pack));
    const offline = { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" };
    const good = await elevate(["evidence", "verify", packFile, "--public-key", keyFile], offline);
    expect(good).toMatchObject({ code: 0 });
    expect(good.stdout).toContain(`evidence pack OK: signed by key ${pk.keyId}`);
    const bytes = readFileSync(packFile);
    for (const at of [0, 15, Math.floor(bytes.length / 2), bytes.length - 10, bytes.length - 3]) {
      const flipped = Buffer.from(bytes);
      flipped[at] ^= 0x02;
      writeFileSync(packFile, flipped);
      const bad = await elevate(["evidence", "verify", packFile, "--public-key", keyFile], offline);
      expect(bad.code, `byte ${at}`).toBe(1);
      expect(bad.stderr).toContain("evidence pack INVALID");
    }
    const wrongKey = await elevate(["evidence", "verify", packFile, "--public-key", otherFile], offline);
    expect(wrongKey.code).toBe(1);
  }, 300_000);
});
