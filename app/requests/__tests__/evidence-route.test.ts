import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { resetSigningKey } from "@/lib/audit/keys";
import { resetEnv } from "@/lib/env";
import { verifyPackText } from "@/lib/evidence/signing";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { GET as download } from "../[id]/evidence/route";

// The session cookie cannot exist outside a browser: the session lookup is mocked (as in the other UI route tests).
const session = vi.hoisted(() => ({ ctx: null as unknown }));
vi.mock("@/lib/auth/session", () => ({ getSessionCtx: async () => session.ctx }));

const keyDir = mkdtempSync(path.join(tmpdir(), "elevate-evidence-route-"));
const keyFile = path.join(keyDir, "signing.pem");
const { privateKey } = generateKeyPairSync("ed25519");
writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }));
vi.stubEnv("ELEVATE_AUDIT_SIGNING_KEY", keyFile);
resetEnv();
resetSigningKey();

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => {
  await h?.close();
  vi.unstubAllEnvs();
  resetEnv();
  resetSigningKey();
  rmSync(keyDir, { recursive: true, force: true });
});

const get = (requestId: string, query: string) =>
  download(new Request(`http://localhost:3000/requests/${requestId}/evidence?${query}`), {
    params: Promise.resolve({ id: requestId }),
  });

describe("request page evidence downloads (session mocked)", () => {
  it("serves the signed JSON and the PDF to the grant's user, auditors and admins; 404 to others", async () => {
    const org = await createTestOrg(h.db);
    const { grantId, requestId } = await activeGrantFor(h.db, org, "requester", {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
      resource: "i-0abc1234",
    });
    session.ctx = await userCtx(h.db, org.users.auditor);
    const json = await get(requestId, `grant=${grantId}&format=json`);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-disposition")).toBe(
      `attachment; filename="elevate-evidence-${grantId}.json"`,
    );
    expect(verifyPackText(await json.text(), [createPublicKey(privateKey)]).ok).toBe(true);
    for (const who of ["requester", "admin"] as const) {
      session.ctx = await userCtx(h.db, org.users[who]);
      const pdf = await get(requestId, `grant=${grantId}&format=pdf`);
      expect(pdf.status, who).toBe(200);
      expect(pdf.headers.get("content-type")).toBe("application/pdf");
      expect(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString("latin1"),
      ).toBe("%PDF-");
    }
    session.ctx = await userCtx(h.db, org.users.approver2);
    expect((await get(requestId, `grant=${grantId}&format=json`)).status).toBe(404);
    session.ctx = null;
    expect((await get(requestId, `grant=${grantId}`)).status).toBe(401);
  });

  it("refuses a bad format, a malformed grant id and a grant of another request, naming the field", async () => {
    const org = await createTestOrg(h.db);
    const { grantId, requestId } = await activeGrantFor(h.db, org, "requester", {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
      resource: "i-0abc1234",
    });
    session.ctx = await userCtx(h.db, org.users.admin);
    const format = await get(requestId, `grant=${grantId}&format=xml`);
    expect(format.status).toBeGreaterThanOrEqual(400);
    expect(format.status).toBeLessThan(500);
    expect((await format.json()).error.field).toBe("format");
    const malformed = await get(requestId, "grant=nope&format=json");
    expect(malformed.status).toBeGreaterThanOrEqual(400);
    expect((await malformed.json()).error.field).toBe("grantId");
    const other = await get("00000000-0000-4000-8000-000000000000", `grant=${grantId}&format=json`);
    expect(other.status).toBeGreaterThanOrEqual(400);
    expect(other.status).toBeLessThan(500);
    expect((await other.json()).error.field).toBe("grant");
  });
});
