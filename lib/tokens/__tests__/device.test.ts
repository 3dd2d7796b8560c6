import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, deviceAuthorizations } from "@/db/schema";
import { deviceCodeRoute, deviceTokenRoute } from "@/lib/http/device-routes";
import { setupApiDatabase } from "@/lib/testing/api";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg } from "@/lib/testing/db";
import { authenticateToken } from "..";
import {
  decideDeviceAuthorization,
  describeDeviceAuthorization,
  normaliseUserCode,
  pollDeviceAuthorization,
  startDeviceAuthorization,
} from "../device";

// The device authorization grant as RFC 8628 describes it (https://www.rfc-editor.org/rfc/rfc8628):
// §3.2 the codes, §3.5 the poll's errors (authorization_pending, slow_down, access_denied, expired_token),
// §6.1 the user code's alphabet.
// One database for the verbs and the route handlers (which resolve theirs through getDb()).
const db = setupApiDatabase();

const start = () => startDeviceAuthorization({ db: db(), input: { clientName: "elevate CLI on test" } });
const poll = (deviceCode: string) => pollDeviceAuthorization({ db: db(), input: { deviceCode } });
/** Lets the next poll through the interval check without waiting five seconds. */
const forgetLastPoll = () =>
  db()
    .update(deviceAuthorizations)
    .set({ lastPolledAt: null })
    .where(eq(deviceAuthorizations.status, "pending"));

describe("device sign-in (RFC 8628)", () => {
  it("pending until the person approves; then one token, acting as them, handed out once", async () => {
    const org = await createTestOrg(db());
    const s = await start();
    expect(s.userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(s.interval).toBe(5);
    expect(s.expiresIn).toBe(600);
    const [row] = await db()
      .select()
      .from(deviceAuthorizations)
      .where(eq(deviceAuthorizations.userCode, normaliseUserCode(s.userCode)));
    expect(JSON.stringify(row)).not.toContain(s.deviceCode); // only its hash is stored

    expect(await poll(s.deviceCode)).toEqual({ ok: false, error: "authorization_pending" });
    expect(await poll(s.deviceCode)).toEqual({ ok: false, error: "slow_down" }); // within the interval
    await forgetLastPoll();

    const person = await userCtx(db(), org.users.approver);
    // Lower case, without the dash: the same code.
    const shown = await describeDeviceAuthorization({
      ctx: person,
      input: { userCode: s.userCode.toLowerCase().replace("-", "") },
    });
    expect(shown).toMatchObject({
      clientName: "elevate CLI on test",
      status: "pending",
      userCode: s.userCode,
    });
    await decideDeviceAuthorization({ ctx: person, input: { userCode: s.userCode, verdict: "approve" } });

    const got = await poll(s.deviceCode);
    if (!got.ok) throw new Error(`expected a token, got ${got.error}`);
    const who = await authenticateToken(db(), got.token);
    expect(who).toMatchObject({ orgId: org.org.id, actor: { userId: org.users.approver.id } });
    expect((Date.parse(got.expiresAt) - Date.now()) / 3_600_000).toBeGreaterThan(23);
    expect((Date.parse(got.expiresAt) - Date.now()) / 3_600_000).toBeLessThanOrEqual(24);
    expect(await poll(s.deviceCode)).toEqual({ ok: false, error: "expired_token" }); // only once

    const audit = await db().select().from(auditEvents).where(eq(auditEvents.orgId, org.org.id));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["device.approved", "token.created"]));
    expect(JSON.stringify(audit)).not.toContain(got.token);
  });

  it("a denial answers access_denied; an expired or unknown code answers expired_token", async () => {
    const org = await createTestOrg(db());
    const person = await userCtx(db(), org.users.requester);
    const denied = await start();
    await decideDeviceAuthorization({ ctx: person, input: { userCode: denied.userCode, verdict: "deny" } });
    expect(await poll(denied.deviceCode)).toEqual({ ok: false, error: "access_denied" });
    await expect(
      decideDeviceAuthorization({ ctx: person, input: { userCode: denied.userCode, verdict: "approve" } }),
    ).rejects.toMatchObject({ code: "conflict" });

    const late = await start();
    await db()
      .update(deviceAuthorizations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(deviceAuthorizations.userCode, normaliseUserCode(late.userCode)));
    await expect(
      decideDeviceAuthorization({ ctx: person, input: { userCode: late.userCode, verdict: "approve" } }),
    ).rejects.toMatchObject({ code: "conflict", message: "This code is expired" });
    expect(await poll(late.deviceCode)).toEqual({ ok: false, error: "expired_token" });
    expect(await poll("not-a-code")).toEqual({ ok: false, error: "expired_token" });
    await expect(
      describeDeviceAuthorization({ ctx: person, input: { userCode: "BCDF-GHJK" } }),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("an API token cannot approve a device (a leaked token must not mint more)", async () => {
    const org = await createTestOrg(db());
    const s = await start();
    const person = await userCtx(db(), org.users.requester);
    const viaToken = {
      ...person,
      actor: { ...(person.actor as object), type: "token" as const, tokenId: "t" },
    };
    await expect(
      decideDeviceAuthorization({
        ctx: viaToken as typeof person,
        input: { userCode: s.userCode, verdict: "approve" },
      }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await poll(s.deviceCode)).toEqual({ ok: false, error: "authorization_pending" });
  });

  it("the endpoints speak RFC 8628: snake_case answers, JSON or form bodies, OAuth errors with 400", async () => {
    const code = await deviceCodeRoute(
      new Request("http://127.0.0.1/api/v1/device/code", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "client_name=curl",
      }),
    );
    expect(code.status).toBe(200);
    const body = (await code.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        "device_code",
        "expires_in",
        "interval",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
      ].sort(),
    );
    expect(String(body.verification_uri_complete)).toContain(`/device?code=${body.user_code}`);
    const tokenReq = (fields: Record<string, string>) =>
      deviceTokenRoute(
        new Request("http://127.0.0.1/api/v1/device/token", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(fields),
        }),
      );
    const pending = await tokenReq({
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      device_code: String(body.device_code),
    });
    expect(pending.status).toBe(400);
    expect(await pending.json()).toEqual({ error: "authorization_pending" });
    const wrongGrant = await tokenReq({ grant_type: "password", device_code: String(body.device_code) });
    expect(await wrongGrant.json()).toMatchObject({ error: "unsupported_grant_type" });
    const noName = await deviceCodeRoute(
      new Request("http://127.0.0.1/api/v1/device/code", { method: "POST", body: "{}" }),
    );
    expect(noName.status).toBe(400);
    expect(await noName.json()).toMatchObject({ error: { code: "validation", field: "clientName" } });
  });
});
