import { createHash, randomBytes, randomInt } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { deviceAuthorizations } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { type Ctx, requirePerson } from "@/lib/ctx";
import { Conflict, NotFound, parseInput } from "@/lib/errors";
import { enforceRateLimits } from "@/lib/ratelimit/limits";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { createApiToken } from "./create";

/**
 * The CLI's device sign-in, after RFC 8628 (https://www.rfc-editor.org/rfc/rfc8628): the CLI asks for a
 * device code and a short user code; the person opens /device in the portal (signed in as usual), checks
 * the code and the CLI's name, and approves; the CLI, polling, receives a personal API token once. Only
 * hashes of device codes are stored; the token is minted at the poll that collects it, never kept.
 */

/** How long a code may wait for its person (RFC 8628 §3.2 `expires_in`). */
export const DEVICE_CODE_TTL_SECONDS = 600;
/** The least time between two polls (`interval`); polling faster answers `slow_down`. */
export const POLL_INTERVAL_SECONDS = 5;
/** The token a device sign-in yields lasts a working day, not the default of a hand-made token. */
export const DEVICE_TOKEN_DAYS = 1;
/** RFC 8628 §6.1: 20 consonants, no vowels (no words) and no look-alikes; 8 characters ≈ 34.5 bits. */
const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const USER_CODE_LENGTH = 8;

const hash = (deviceCode: string) => createHash("sha256").update(deviceCode).digest("hex");

export const StartDeviceInput = z.object({
  clientName: z.string().trim().min(1, "name the client, e.g. elevate CLI on my laptop").max(100),
});
export type StartDeviceInput = z.input<typeof StartDeviceInput>;

export type DeviceStart = {
  deviceCode: string;
  userCode: string;
  expiresIn: number;
  interval: number;
};

function newUserCode(): string {
  let s = "";
  for (let i = 0; i < USER_CODE_LENGTH; i++) s += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return s;
}

/** "wdjb-mjht", "WDJBMJHT" and "WDJB MJHT" are the same code: case, dashes and blanks are ignored. */
export function normaliseUserCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}
export const formatUserCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

/** Unauthenticated: anyone may ask, so it is rate-limited as a whole (codes are useless until approved). */
export async function startDeviceAuthorization({
  db,
  input,
}: {
  db: Db;
  input: StartDeviceInput;
}): Promise<DeviceStart> {
  const { clientName } = parseInput(StartDeviceInput, input);
  await enforceRateLimits(db, [{ key: "device:start", limit: 60, windowSeconds: 60 }]);
  const deviceCode = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + DEVICE_CODE_TTL_SECONDS * 1000);
  // Old rows free their user codes: a code is unique among the ones stored, and expired ones go first.
  await db
    .delete(deviceAuthorizations)
    .where(sql`${deviceAuthorizations.expiresAt} < now() - interval '1 day'`);
  for (let attempt = 0; ; attempt++) {
    const userCode = newUserCode();
    const rows = await db
      .insert(deviceAuthorizations)
      .values({ deviceCodeHash: hash(deviceCode), userCode, clientName, expiresAt })
      .onConflictDoNothing()
      .returning({ id: deviceAuthorizations.id });
    if (rows.length > 0) {
      return {
        deviceCode,
        userCode: formatUserCode(userCode),
        expiresIn: DEVICE_CODE_TTL_SECONDS,
        interval: POLL_INTERVAL_SECONDS,
      };
    }
    if (attempt >= 5) throw Conflict("Could not allocate a user code; try again");
  }
}

export const DeviceCodeInput = z.object({
  userCode: z.string().trim().min(1, "type the code the CLI shows").max(20),
});

export type DeviceAuthorizationDto = {
  userCode: string;
  clientName: string;
  createdAt: string;
  expiresAt: string;
  status: "pending" | "approved" | "denied" | "consumed" | "expired";
};

async function byUserCode(db: Db, raw: string) {
  const code = normaliseUserCode(raw);
  if (code.length !== USER_CODE_LENGTH) return null;
  const [row] = await db.select().from(deviceAuthorizations).where(eq(deviceAuthorizations.userCode, code));
  return row ?? null;
}

const statusOf = (row: typeof deviceAuthorizations.$inferSelect): DeviceAuthorizationDto["status"] =>
  row.status === "pending" && row.expiresAt.getTime() <= Date.now() ? "expired" : row.status;

/** What the person approves: the CLI's name and when it asked (signed-in people only). */
export async function describeDeviceAuthorization({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof DeviceCodeInput>;
}): Promise<DeviceAuthorizationDto> {
  requirePerson(ctx);
  const { userCode } = parseInput(DeviceCodeInput, input);
  const row = await byUserCode(ctx.db, userCode);
  if (!row) throw NotFound("Device code");
  return {
    userCode: formatUserCode(row.userCode),
    clientName: row.clientName,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    status: statusOf(row),
  };
}

export const DecideDeviceInput = DeviceCodeInput.extend({ verdict: z.enum(["approve", "deny"]) });

/** The signed-in person approves (their token goes to that CLI) or denies a pending code; audited. */
export async function decideDeviceAuthorization({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof DecideDeviceInput>;
}): Promise<DeviceAuthorizationDto> {
  const actor = requirePerson(ctx);
  if (ctx.actor.type === "token")
    throw Conflict("Approve a device sign-in from the portal, not with a token");
  const { userCode, verdict } = parseInput(DecideDeviceInput, input);
  const row = await byUserCode(ctx.db, userCode);
  if (!row) throw NotFound("Device code");
  if (statusOf(row) !== "pending") throw Conflict(`This code is ${statusOf(row)}`);
  return ctx.db.transaction(async (tx) => {
    const updated = await tx
      .update(deviceAuthorizations)
      .set({
        status: verdict === "approve" ? "approved" : "denied",
        orgId: ctx.orgId,
        userId: actor.userId,
        decidedAt: new Date(),
      })
      .where(and(eq(deviceAuthorizations.id, row.id), eq(deviceAuthorizations.status, "pending")))
      .returning();
    if (updated.length === 0) throw Conflict("This code was decided meanwhile");
    await appendAudit(tx, ctx, {
      action: verdict === "approve" ? "device.approved" : "device.denied",
      subjectType: "device_authorization",
      subjectId: row.id,
      data: { clientName: row.clientName, userCode: formatUserCode(row.userCode) },
    });
    const u = updated[0];
    return {
      userCode: formatUserCode(u.userCode),
      clientName: u.clientName,
      createdAt: u.createdAt.toISOString(),
      expiresAt: u.expiresAt.toISOString(),
      status: u.status,
    };
  });
}

export const PollDeviceInput = z.object({
  deviceCode: z.string().min(1).max(100),
});

/** RFC 8628 §3.5: the errors a poll answers, as the RFC names them. */
export type DevicePoll =
  | { ok: true; token: string; expiresAt: string; userId: string }
  | { ok: false; error: "authorization_pending" | "slow_down" | "access_denied" | "expired_token" };

/**
 * The CLI's poll: pending (or too fast: slow_down), denied, expired, or approved — then the token, minted
 * for the approving person at this poll and handed out exactly once (the row moves to `consumed`).
 */
export async function pollDeviceAuthorization({
  db,
  input,
}: {
  db: Db;
  input: z.input<typeof PollDeviceInput>;
}): Promise<DevicePoll> {
  const { deviceCode } = parseInput(PollDeviceInput, input);
  const [row] = await db
    .select()
    .from(deviceAuthorizations)
    .where(eq(deviceAuthorizations.deviceCodeHash, hash(deviceCode)));
  if (!row || row.status === "consumed") return { ok: false, error: "expired_token" };
  if (row.status === "denied") return { ok: false, error: "access_denied" };
  if (row.expiresAt.getTime() <= Date.now()) return { ok: false, error: "expired_token" };
  if (row.status === "pending") {
    const now = new Date();
    const tooSoon =
      row.lastPolledAt !== null && now.getTime() - row.lastPolledAt.getTime() < POLL_INTERVAL_SECONDS * 1000;
    await db
      .update(deviceAuthorizations)
      .set({ lastPolledAt: now })
      .where(eq(deviceAuthorizations.id, row.id));
    return { ok: false, error: tooSoon ? "slow_down" : "authorization_pending" };
  }
  // Approved: claim it (one poll wins), then mint the token as the job that hands it out.
  const claimed = await db
    .update(deviceAuthorizations)
    .set({ status: "consumed" })
    .where(and(eq(deviceAuthorizations.id, row.id), eq(deviceAuthorizations.status, "approved")))
    .returning();
  const c = claimed[0];
  if (!c?.orgId || !c.userId) return { ok: false, error: "expired_token" };
  const created = await createApiToken({
    ctx: systemCtx(db, c.orgId, "device-sign-in"),
    input: {
      name: `${c.clientName} (device sign-in)`.slice(0, 100),
      expiresInDays: DEVICE_TOKEN_DAYS,
      userId: c.userId,
    },
  });
  await db.update(deviceAuthorizations).set({ tokenId: created.id }).where(eq(deviceAuthorizations.id, c.id));
  return { ok: true, token: created.token, expiresAt: created.expiresAt, userId: c.userId };
}
