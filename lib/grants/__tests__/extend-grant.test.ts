import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { grants, policies, sandboxBindings } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { isAllowed } from "@/lib/clouds/sandbox";
import { grantRow, scheduledGrant } from "@/lib/grants/__tests__/fixtures";
import { applyExtension } from "@/lib/grants/apply-extension";
import { provisionGrant } from "@/lib/grants/provision";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { auditFor, expectAppError } from "../../requests/__tests__/helpers";
import { extendGrant } from "../extend-grant";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const MIN = 60_000;

/** Polls until some backend waits on a lock held by `pid` (Postgres only). */
async function waitUntilBlockedBy(pid: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Postgres only, so the postgres-js driver: execute answers the rows as an array.
    const rows = (await h.db.execute(
      sql`select pid from pg_stat_activity where ${pid} = any(pg_blocking_pids(pid))`,
    )) as unknown as unknown[];
    if (rows.length > 0) return;
    if (Date.now() > deadline) throw new Error(`nothing waited on backend ${pid} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A grant provisioned in the sandbox (active, binding with its expiry), one hour long by default. */
async function activeGrant(org: SeededOrg, durationSeconds = 3600) {
  const s = await scheduledGrant(h.db, org, { durationSeconds });
  await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
  return { ...s, grant: await grantRow(h.db, s.grant.id) };
}

async function bindingNotAfter(targetId: string, grantId: string) {
  const [b] = await h.db
    .select({ notAfter: sandboxBindings.notAfter })
    .from(sandboxBindings)
    .where(and(eq(sandboxBindings.targetId, targetId), eq(sandboxBindings.bindingId, `elevate-${grantId}`)));
  return b?.notAfter ?? null;
}

describe("extendGrant", () => {
  it("moves the expiry in the database, then applyExtension moves the cloud's; audited and dispatched", async () => {
    const org = await createTestOrg(h.db);
    const s = await activeGrant(org);
    const oldExpiry = s.grant.expiresAt!;
    const owner = await userCtx(h.db, org.users.requester);

    const dto = await extendGrant({
      ctx: owner,
      input: { grantId: s.grant.id, minutes: 30, reason: " more work " },
    });
    const newExpiry = new Date(oldExpiry.getTime() + 30 * MIN);
    expect(dto).toMatchObject({ id: s.grant.id, status: "active", expiresAt: newExpiry.toISOString() });
    expect(owner.workflows.events).toEqual([
      { name: "grant.extended", orgId: org.org.id, grantId: s.grant.id, expiresAt: newExpiry.toISOString() },
    ]);
    const audit = (await auditFor(h.db, org.org.id, s.grant.id)).at(-1);
    expect(audit).toMatchObject({
      action: "grant.extended",
      actorId: org.users.requester.id,
      data: { from: oldExpiry.toISOString(), to: newExpiry.toISOString(), reason: "more work", by: "owner" },
    });

    // Fail safe: until the re-bind, the cloud still ends access at the old expiry.
    const afterOld = new Date(oldExpiry.getTime() + 1000);
    const afterNew = new Date(newExpiry.getTime() + 1000);
    expect((await grantRow(h.db, s.grant.id)).nextAttemptAt).not.toBeNull();
    expect(await isAllowed(h.db, s.target.id, s.principal, "s3:GetObject", afterOld)).toBe(false);

    const out = await applyExtension({ ctx: s.ctx, input: { grantId: s.grant.id } });
    expect(out).toMatchObject({ status: "active", expiresAt: newExpiry.toISOString(), nextAttemptAt: null });
    expect((await bindingNotAfter(s.target.id, s.grant.id))?.toISOString()).toBe(newExpiry.toISOString());
    expect(await isAllowed(h.db, s.target.id, s.principal, "s3:GetObject", afterOld)).toBe(true);
    expect(await isAllowed(h.db, s.target.id, s.principal, "s3:GetObject", afterNew)).toBe(false);

    const row = await grantRow(h.db, s.grant.id);
    expect(row.evidence.extensions).toHaveLength(1);
    expect(row.evidence.extensions?.[0]).toMatchObject({ to: newExpiry.toISOString() });
    expect(row.evidence.extensions?.[0].requestIds.length).toBeGreaterThanOrEqual(2);
    expect(row.evidence.extensions?.[0].requestIds.every((id) => id.startsWith("sbx-"))).toBe(true);

    // Nothing owed any more: running it again changes nothing.
    await applyExtension({ ctx: s.ctx, input: { grantId: s.grant.id } });
    expect((await grantRow(h.db, s.grant.id)).evidence.extensions).toHaveLength(1);
  });

  it("keeps the total within the policy snapshot's maximum: LimitExceeded naming minutes, nothing changed", async () => {
    const org = await createTestOrg(h.db); // default policy: 8 hours at most
    const s = await activeGrant(org, 7 * 3600);
    const owner = await userCtx(h.db, org.users.requester);
    const err = await expectAppError(
      extendGrant({ ctx: owner, input: { grantId: s.grant.id, minutes: 61, reason: "more" } }),
      "limit_exceeded",
      "minutes",
    );
    expect(err.message).toMatch(/at most 60 more minutes/);
    const row = await grantRow(h.db, s.grant.id);
    expect(row.expiresAt?.toISOString()).toBe(s.grant.expiresAt?.toISOString());
    expect(row.nextAttemptAt).toBeNull();
    expect((await auditFor(h.db, org.org.id, s.grant.id)).map((a) => a.action)).not.toContain(
      "grant.extended",
    );
    expect(owner.workflows.events).toEqual([]);

    // Exactly up to the maximum is allowed.
    await extendGrant({ ctx: owner, input: { grantId: s.grant.id, minutes: 60, reason: "more" } });
  });

  // Found by the concurrency fuzz (bench/fuzz-concurrency.ts): the expiry overflowed into an Invalid Date,
  // NaN passed the limit check, and the update threw a RangeError (a 500, `internal` in the server action).
  it("refuses minutes no date can hold with LimitExceeded, never a crash", async () => {
    const org = await createTestOrg(h.db);
    const s = await activeGrant(org);
    const owner = await userCtx(h.db, org.users.requester);
    for (const minutes of [Number.MAX_SAFE_INTEGER, 2 ** 40, 1e12]) {
      await expectAppError(
        extendGrant({ ctx: owner, input: { grantId: s.grant.id, minutes, reason: "forever" } }),
        "limit_exceeded",
        "minutes",
      );
    }
    const row = await grantRow(h.db, s.grant.id);
    expect(row.expiresAt?.toISOString()).toBe(s.grant.expiresAt?.toISOString());
    expect(owner.workflows.events).toEqual([]);
  });

  it("judges by the request's policy version, not a newer one", async () => {
    const org = await createTestOrg(h.db);
    const s = await activeGrant(org, 3600);
    const [current] = await h.db.select().from(policies).where(eq(policies.orgId, org.org.id));
    await h.db.insert(policies).values({
      orgId: org.org.id,
      version: (current.version ?? 1) + 1,
      document: {
        ...current.document,
        defaults: { ...current.document.defaults, maxDurationSeconds: 3600 },
      },
    });
    const owner = await userCtx(h.db, org.users.requester);
    const dto = await extendGrant({
      ctx: owner,
      input: { grantId: s.grant.id, minutes: 120, reason: "more" },
    });
    expect(dto.status).toBe("active");
  });

  it("rejects zero, negative, fractional and missing minutes naming the field", async () => {
    const org = await createTestOrg(h.db);
    const s = await activeGrant(org);
    const owner = await userCtx(h.db, org.users.requester);
    for (const minutes of [0, -15, 1.5, Number.NaN]) {
      await expectAppError(
        extendGrant({ ctx: owner, input: { grantId: s.grant.id, minutes, reason: "more" } }),
        "validation",
        "minutes",
      );
    }
    await expectAppError(
      extendGrant({ ctx: owner, input: { grantId: s.grant.id, minutes: 15, reason: "  " } }),
      "validation",
      "reason",
    );
    expect((await grantRow(h.db, s.grant.id)).expiresAt?.toISOString()).toBe(
      s.grant.expiresAt?.toISOString(),
    );
  });

  it("lets only the owner or an admin extend; others' grants are not found unless they may see them", async () => {
    const org = await createTestOrg(h.db);
    const s = await activeGrant(org);
    const stranger = await userCtx(h.db, org.users.approver);
    await expectAppError(
      extendGrant({ ctx: stranger, input: { grantId: s.grant.id, minutes: 15, reason: "mine now" } }),
      "not_found",
    );
    await expectAppError(
      extendGrant({
        ctx: await userCtx(h.db, org.users.auditor),
        input: { grantId: s.grant.id, minutes: 15, reason: "mine now" },
      }),
      "forbidden",
    );
    const other = await createTestOrg(h.db);
    const outsider = await userCtx(h.db, other.users.admin);
    await expectAppError(
      extendGrant({ ctx: outsider, input: { grantId: s.grant.id, minutes: 15, reason: "x" } }),
      "not_found",
    );
    expect((await grantRow(h.db, s.grant.id)).expiresAt?.toISOString()).toBe(
      s.grant.expiresAt?.toISOString(),
    );

    const admin = await userCtx(h.db, org.users.admin);
    const dto = await extendGrant({
      ctx: admin,
      input: { grantId: s.grant.id, minutes: 15, reason: "on call" },
    });
    expect(dto.expiresAt).toBe(new Date(s.grant.expiresAt!.getTime() + 15 * MIN).toISOString());
    expect((await auditFor(h.db, org.org.id, s.grant.id)).at(-1)).toMatchObject({ data: { by: "admin" } });
  });

  it("answers Conflict for a grant that is not active", async () => {
    const org = await createTestOrg(h.db);
    const s = await scheduledGrant(h.db, org);
    const owner = await userCtx(h.db, org.users.requester);
    await expectAppError(
      extendGrant({ ctx: owner, input: { grantId: s.grant.id, minutes: 15, reason: "x" } }),
      "conflict",
    );
    const done = await activeGrant(org);
    await h.db
      .update(grants)
      .set({ status: "revoked", revokedAt: new Date() })
      .where(eq(grants.id, done.grant.id));
    await expectAppError(
      extendGrant({ ctx: owner, input: { grantId: done.grant.id, minutes: 15, reason: "x" } }),
      "conflict",
    );
    expect(owner.workflows.events).toEqual([]);
  });

  it("applies one of two concurrent extensions made from the same view; the other is a Conflict", async () => {
    const org = await createTestOrg(h.db);
    const s = await activeGrant(org);
    const owner = await userCtx(h.db, org.users.requester);
    const currentExpiresAt = s.grant.expiresAt!.toISOString();
    const input = { grantId: s.grant.id, minutes: 30, reason: "double click", currentExpiresAt };
    const results = await Promise.allSettled([
      extendGrant({ ctx: owner, input }),
      extendGrant({ ctx: owner, input }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: "conflict" });
    const row = await grantRow(h.db, s.grant.id);
    expect(row.expiresAt?.getTime()).toBe(s.grant.expiresAt!.getTime() + 30 * MIN);
    const extended = (await auditFor(h.db, org.org.id, s.grant.id)).filter(
      (a) => a.action === "grant.extended",
    );
    expect(extended).toHaveLength(1);
    expect(owner.workflows.events).toHaveLength(1);
  });

  it("guards the update on the expiry it read: an overlapping extension that lost the race changes nothing", async () => {
    const org = await createTestOrg(h.db);
    const s = await activeGrant(org);
    const owner = await userCtx(h.db, org.users.requester);
    // Hold the row as a concurrent extension's transaction would, so this one reads the old expiry first.
    const later = new Date(s.grant.expiresAt!.getTime() + 5 * MIN);
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked = (_pid: number | null) => {};
    const holder = new Promise<number | null>((r) => {
      locked = r;
    });
    const other = h.db.transaction(async (tx) => {
      await tx.update(grants).set({ expiresAt: later }).where(eq(grants.id, s.grant.id));
      const [row] =
        h.kind === "pglite"
          ? []
          : ((await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as { pid: number }[]);
      locked(row ? Number(row.pid) : null);
      await held;
    });
    // Start only once the other transaction holds the row: otherwise this one could update first and win.
    const holderPid = await holder;
    const attempt = extendGrant({ ctx: owner, input: { grantId: s.grant.id, minutes: 30, reason: "race" } });
    // It may fail as soon as the other transaction commits, before the checks below await it: mark it
    // handled now (they still see the rejection) so the run does not report an unhandled rejection.
    attempt.catch(() => {});
    if (h.kind === "pglite") {
      // PGlite runs one transaction at a time, so there is no overlap to lose: it extends from the new expiry.
      release();
      await other;
      expect((await attempt).expiresAt).toBe(new Date(later.getTime() + 30 * MIN).toISOString());
      return;
    }
    // Release only once the extension's guarded update waits on that lock (it read the old expiry by then).
    await waitUntilBlockedBy(holderPid!);
    release();
    await other;
    await expectAppError(attempt, "conflict");
    expect((await grantRow(h.db, s.grant.id)).expiresAt?.toISOString()).toBe(later.toISOString());
    expect(owner.workflows.events).toEqual([]);
  });

  it("refuses people: applyExtension is the system's", async () => {
    const org = await createTestOrg(h.db);
    const s = await activeGrant(org);
    const owner = await userCtx(h.db, org.users.requester);
    await expectAppError(applyExtension({ ctx: owner, input: { grantId: s.grant.id } }), "forbidden");
    const other = await createTestOrg(h.db);
    await expectAppError(
      applyExtension({ ctx: systemCtx(h.db, other.org.id), input: { grantId: s.grant.id } }),
      "not_found",
    );
  });
});
