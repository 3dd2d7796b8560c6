import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { grants } from "@/db/schema";
import { resetSigningKey } from "@/lib/audit/keys";
import { controlLabels } from "@/lib/compliance/controls";
import { resetEnv } from "@/lib/env";
import { evidencePdf } from "@/lib/evidence/pdf";
import { EvidencePackSchema } from "@/lib/evidence/schema";
import { verifyPackText } from "@/lib/evidence/signing";
import { executeRevocation } from "@/lib/grants/execute-revocation";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { apiTokenFor, type Handler, setupApiDatabase } from "@/lib/testing/api";
import { systemCtx } from "@/lib/testing/ctx";
import { createTestOrg } from "@/lib/testing/db";
import { insertUsageEvents } from "@/lib/testing/usage-events";
import { GET as publicKeyRoute } from "../audit/public-key/route";
import { GET as evidenceRoute } from "../grants/[id]/evidence/route";

// A configured key, as production has (ELEVATE_AUDIT_SIGNING_KEY as a file path).
const keyDir = mkdtempSync(path.join(tmpdir(), "elevate-evidence-"));
const keyFile = path.join(keyDir, "signing.pem");
const { privateKey } = generateKeyPairSync("ed25519");
writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }));
const publicKey = createPublicKey(privateKey);
vi.stubEnv("ELEVATE_AUDIT_SIGNING_KEY", keyFile);
resetEnv();
resetSigningKey();

const apiDb = setupApiDatabase();
let db: Db;
beforeAll(() => {
  db = apiDb();
});
afterAll(() => {
  vi.unstubAllEnvs();
  resetEnv();
  resetSigningKey();
  rmSync(keyDir, { recursive: true, force: true });
});

/** The raw body, as `curl -o pack.json` would save it. */
async function getText(
  handler: Handler,
  url: string,
  token: string | undefined,
  params: Record<string, string>,
) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await handler(new Request(`http://localhost/api/v1${url}`, { headers }), {
    params: Promise.resolve(params),
  });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
}

async function revokedGrant() {
  const org = await createTestOrg(db);
  const { grantId, requestId } = await activeGrantFor(db, org, "requester", {
    targetId: org.targets.aws.id,
    templateId: org.template("vm.ssh").id,
    resource: "i-0abc1234",
  });
  await insertUsageEvents(db, org.org.id, [{ grantId, permission: "ssm:StartSession", times: 3 }]);
  await executeRevocation({ ctx: systemCtx(db, org.org.id), input: { grantId, reason: "done early" } });
  return { org, grantId, requestId };
}

describe("GET /api/v1/grants/{id}/evidence", () => {
  it("answers a signed pack with every section, that verifies offline with the served public key", async () => {
    const { org, grantId, requestId } = await revokedGrant();
    const token = await apiTokenFor(db, org, "auditor");
    const res = await getText(evidenceRoute, `/grants/${grantId}/evidence`, token, { id: grantId });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    const pack = EvidencePackSchema.parse(JSON.parse(res.text));
    expect(pack.grant).toEqual({ id: grantId, requestId, status: "revoked" });
    const s = pack.sections;
    expect(s.requester).toMatchObject({
      person: { email: org.users.requester.email },
      identitySource: "demo",
    });
    expect(s.justification).toEqual({
      controls: controlLabels("justification"),
      justification: "Usage fixture",
      ticketUrl: "https://tickets.example/USAGE-1",
    });
    expect(s.documents).toMatchObject({
      template: { key: "vm.ssh" },
      resource: "i-0abc1234",
      risk: expect.any(String),
    });
    expect(s.documents.permissions).toContain("ssm:StartSession");
    expect(s.window.requestedMinutes).toBe(60);
    expect(s.window.activatedAt).not.toBeNull();
    expect(s.approvals.policy.version).toBeGreaterThanOrEqual(1);
    expect(s.approvals.decisions).toEqual([
      expect.objectContaining({
        approver: expect.objectContaining({ email: org.users.approver.email }),
        verdict: "approve",
      }),
    ]);
    expect(s.provisioning.cloudRequestIds.length).toBeGreaterThan(0);
    expect(s.provisioning.readBack).not.toBeNull();
    expect(s.removal).toMatchObject({ reason: "done early", lateSeconds: null });
    expect(s.removal.at).not.toBeNull();
    expect(s.removal.readBack).not.toBeNull();
    expect(s.usage).toMatchObject({ available: true, allowedCalls: 3 });
    const actions = s.audit.events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["request.submitted", "request.approved"]));
    expect(s.audit.checkpoint?.seq).toBeGreaterThanOrEqual(s.audit.events.at(-1)!.seq);
    // Each section names its controls (lib/compliance/controls.ts).
    for (const [key, section] of Object.entries(s)) {
      expect(section.controls, key).toEqual(controlLabels(key as Parameters<typeof controlLabels>[0]));
      expect(section.controls.length, key).toBeGreaterThan(0);
    }

    const served = await getText(publicKeyRoute, "/audit/public-key", token, {});
    const { pem, keyId } = JSON.parse(served.text);
    expect(pack.signature.keyId).toBe(keyId);
    const servedKey = createPublicKey(pem);
    expect(verifyPackText(res.text, [servedKey])).toMatchObject({ ok: true, keyId });
    expect(verifyPackText(res.text, [publicKey]).ok).toBe(true);
  });

  it("fails offline verification after any one-byte change, or with another key", async () => {
    const { org, grantId } = await revokedGrant();
    const { text } = await getText(
      evidenceRoute,
      `/grants/${grantId}/evidence`,
      await apiTokenFor(db, org, "requester"),
      {
        id: grantId,
      },
    );
    expect(verifyPackText(text, [publicKey]).ok).toBe(true);
    const bytes = Buffer.from(text, "utf8");
    // 40 positions spread over the whole file, plus the signature's last hex digit and a trailing space.
    const positions = Array.from({ length: 40 }, (_, i) => Math.floor((i * (bytes.length - 1)) / 39));
    positions.push(text.lastIndexOf('"}') - 1);
    for (const at of positions) {
      const flipped = Buffer.from(bytes);
      flipped[at] ^= 0x01;
      const result = verifyPackText(flipped.toString("utf8"), [publicKey]);
      expect(result.ok, `byte ${at} (${JSON.stringify(text[at])}) flipped`).toBe(false);
    }
    expect(verifyPackText(`${text} `, [publicKey]).ok).toBe(false);
    expect(verifyPackText(text.replace('{"format"', '{ "format"'), [publicKey]).ok).toBe(false);
    const other = createPublicKey(generateKeyPairSync("ed25519").privateKey);
    expect(verifyPackText(text, [other])).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not the public key given/),
    });
  });

  it("is visible like the grant: its user, auditors and admins; 404 for anyone else and other orgs", async () => {
    const { org, grantId } = await revokedGrant();
    for (const who of ["requester", "auditor", "admin"] as const) {
      const res = await getText(
        evidenceRoute,
        `/grants/${grantId}/evidence`,
        await apiTokenFor(db, org, who),
        { id: grantId },
      );
      expect(res.status, who).toBe(200);
    }
    const approver = await getText(
      evidenceRoute,
      `/grants/${grantId}/evidence`,
      await apiTokenFor(db, org, "approver2"),
      {
        id: grantId,
      },
    );
    expect(approver.status).toBe(404);
    const other = await createTestOrg(db);
    const cross = await getText(
      evidenceRoute,
      `/grants/${grantId}/evidence`,
      await apiTokenFor(db, other, "admin"),
      {
        id: grantId,
      },
    );
    expect(cross.status).toBe(404);
    expect(
      (await getText(evidenceRoute, `/grants/x/evidence`, await apiTokenFor(db, org, "admin"), { id: "x" }))
        .status,
    ).toBe(404);
    expect(
      (await getText(evidenceRoute, `/grants/${grantId}/evidence`, undefined, { id: grantId })).status,
    ).toBe(401);
  });

  it("states how late an expired grant was removed", async () => {
    const org = await createTestOrg(db);
    const { grantId } = await activeGrantFor(db, org, "requester", {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
      resource: "i-0abc1234",
    });
    // The expiry passed 90 s ago and nothing removed it yet: the removal that follows is that late.
    await db
      .update(grants)
      .set({ expiresAt: new Date(Date.now() - 90_000) })
      .where(eq(grants.id, grantId));
    await executeRevocation({ ctx: systemCtx(db, org.org.id), input: { grantId } });
    const { text } = await getText(
      evidenceRoute,
      `/grants/${grantId}/evidence`,
      await apiTokenFor(db, org, "auditor"),
      {
        id: grantId,
      },
    );
    const { removal } = EvidencePackSchema.parse(JSON.parse(text)).sections;
    expect(removal.reason).toBe("expired");
    expect(removal.lateSeconds).toBeGreaterThanOrEqual(89);
    expect(removal.lateSeconds).toBeLessThan(600);
  });

  it("renders the same pack as a PDF (pdf-lib through lib/pdf)", async () => {
    const { org, grantId } = await revokedGrant();
    const { text } = await getText(
      evidenceRoute,
      `/grants/${grantId}/evidence`,
      await apiTokenFor(db, org, "admin"),
      {
        id: grantId,
      },
    );
    const pdf = Buffer.from(await evidencePdf(EvidencePackSchema.parse(JSON.parse(text))));
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(2000);
  });
});
