import { and, eq, inArray } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { accessRequests, auditEvents, grants } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { verifyAuditChain } from "@/lib/audit/verify";
import { extendGrant } from "@/lib/grants";
import { expectedError } from "@/lib/http/unavailable";
import { apiTokenFor, callApi, setupApiDatabase } from "@/lib/testing/api";
import { tokenCtx } from "@/lib/testing/ctx";
import { createTestOrg } from "@/lib/testing/db";
import { getWorkflowDriver, type InlineDriver } from "@/lib/workflows";
import { POST as revokeGrant } from "../grants/[id]/revoke/route";
import { GET as getGrant } from "../grants/[id]/route";
import { GET as listGrants } from "../grants/route";
import { POST as cancelRequest } from "../requests/[id]/cancel/route";
import { POST as decide } from "../requests/[id]/decision/route";
import { GET as getRequest } from "../requests/[id]/route";
import { GET as listRequests, POST as submit } from "../requests/route";

/**
 * The concurrency fuzz's conflicting-operations mix (bench/fuzz-concurrency.ts), in-process on the real
 * database: the same objects fought over at once through the route handlers, recipes picked with a fixed
 * seed. No answer may be a 5xx, and the final states must be consistent.
 */
const apiDb = setupApiDatabase();
let db: Db;
beforeAll(() => {
  db = apiDb();
});

const SEED = 20_261_202;
const REQUESTS = 12;
type Tokens = Record<"requester" | "approver" | "approver2" | "admin", string>;
type Outcome = { op: string; status: number };
type Recipe = (() => Promise<Outcome>)[];

async function settle() {
  await ((await getWorkflowDriver()) as InlineDriver).idle();
}

/** A verb called as a transport would: an unexpected error is what would have been a 500. */
async function asStatus(op: string, p: Promise<unknown>): Promise<Outcome> {
  try {
    await p;
    return { op, status: 200 };
  } catch (err) {
    return { op, status: expectedError(err)?.status ?? 500 };
  }
}

function requestRecipes(id: string, t: Tokens): Recipe[] {
  const at = (op: string, p: Promise<{ status: number }>) => p.then((r) => ({ op, status: r.status }));
  const params = { id };
  const verdict = (who: keyof Tokens, v: "approve" | "deny") => () =>
    at(
      `decide-${v}`,
      callApi(decide, "POST", `/requests/${id}/decision`, { token: t[who], params, body: { verdict: v } }),
    );
  const cancel = () =>
    at("cancel", callApi(cancelRequest, "POST", `/requests/${id}/cancel`, { token: t.requester, params }));
  const read = () => at("get", callApi(getRequest, "GET", `/requests/${id}`, { token: t.admin, params }));
  const list = () =>
    at("list", callApi(listRequests, "GET", "/requests?scope=all&limit=100", { token: t.admin }));
  return [
    [verdict("approver2", "approve"), verdict("approver2", "deny"), cancel, list],
    [verdict("approver2", "approve"), verdict("approver2", "approve"), verdict("approver", "approve"), read],
    [verdict("approver", "approve"), verdict("approver2", "deny"), cancel, cancel, list],
    [cancel, cancel, verdict("approver2", "approve"), read],
  ];
}

function grantRecipes(org: SeededOrg, id: string, expiresAt: string, t: Tokens): Recipe[] {
  const at = (op: string, p: Promise<{ status: number }>) => p.then((r) => ({ op, status: r.status }));
  const params = { id };
  const revoke = (who: keyof Tokens) => () =>
    at(
      "revoke",
      callApi(revokeGrant, "POST", `/grants/${id}/revoke`, {
        token: t[who],
        params,
        body: { reason: "race" },
      }),
    );
  const extend = (minutes: number, seen?: string) => async () => {
    const ctx = await tokenCtx(db, org.users.requester, await getWorkflowDriver());
    const input = { grantId: id, minutes, reason: "more", ...(seen ? { currentExpiresAt: seen } : {}) };
    return asStatus("extend", extendGrant({ ctx, input }));
  };
  const read = () => at("get-grant", callApi(getGrant, "GET", `/grants/${id}`, { token: t.admin, params }));
  const list = () =>
    at("list-grants", callApi(listGrants, "GET", "/grants?scope=all&limit=100", { token: t.admin }));
  return [
    [revoke("admin"), revoke("admin"), extend(10, expiresAt), list],
    // A number of minutes no date can hold, on a grant nobody revokes meanwhile: a 422, never a 500.
    [extend(10, expiresAt), extend(10, expiresAt), extend(5), extend(Number.MAX_SAFE_INTEGER), read],
    [revoke("requester"), revoke("admin"), extend(5), extend(2 ** 40), list],
    [extend(5), extend(5), revoke("admin"), read],
  ];
}

/** Each object's recipe picked by the seed, every op of every picked recipe started at once. */
function fight(perObject: Recipe[][], picks: number[]): Promise<Outcome[]> {
  return Promise.all(perObject.flatMap((recipes, i) => (recipes[picks[i] ?? 0] ?? []).map((op) => op())));
}

describe("concurrent conflicting operations", () => {
  it("answers no 5xx, takes each request's transition once, revokes each grant at most once, keeps the audit chain", async () => {
    const org = await createTestOrg(db);
    const t: Tokens = {
      requester: await apiTokenFor(db, org, "requester"),
      approver: await apiTokenFor(db, org, "approver"),
      approver2: await apiTokenFor(db, org, "approver2"),
      admin: await apiTokenFor(db, org, "admin"),
    };
    const body = {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
      resource: "i-0abc1234",
      durationMinutes: 30,
      justification: "race INC-18",
    };
    const created = await Promise.all(
      Array.from({ length: REQUESTS }, () =>
        callApi(submit, "POST", "/requests", { token: t.requester, body }),
      ),
    );
    expect(created.map((c) => c.status)).toEqual(Array(REQUESTS).fill(201));
    const requestIds = created.map((c) => c.json.id as string);

    const picks = fc.sample(fc.array(fc.nat(3), { minLength: REQUESTS, maxLength: REQUESTS }), {
      seed: SEED,
      numRuns: 1,
    })[0] as number[];
    const decided = await fight(
      requestIds.map((id) => requestRecipes(id, t)),
      picks,
    );
    await settle();
    expect(decided.filter((o) => o.status >= 500)).toEqual([]);

    // Each request took exactly one of approve, deny or cancel, and its status says which.
    const rows = await db.select().from(accessRequests).where(inArray(accessRequests.id, requestIds));
    const events = await transitions(org.org.id, requestIds);
    for (const r of rows) {
      const taken = events.filter((e) => e.subjectId === r.id).map((e) => e.action);
      expect(taken, r.id).toHaveLength(1);
      const expected = {
        "request.approved": ["approved", "completed"],
        "request.denied": ["denied"],
        "request.cancelled": ["cancelled"],
      };
      expect(expected[taken[0] as keyof typeof expected]).toContain(r.status);
    }

    const active = await db
      .select()
      .from(grants)
      .where(and(inArray(grants.requestId, requestIds), eq(grants.status, "active")));
    // Recipes taken in turn from a seeded start, so every one runs (four requests always end approved).
    expect(active.length).toBeGreaterThanOrEqual(4);
    const start = fc.sample(fc.nat(3), { seed: SEED + 1, numRuns: 1 })[0] as number;
    const grantPicks = active.map((_, i) => (start + i) % 4);
    const fought = await fight(
      active.map((g) => grantRecipes(org, g.id, g.expiresAt!.toISOString(), t)),
      grantPicks,
    );
    await settle();
    expect(fought.filter((o) => o.status >= 500)).toEqual([]);

    // Revoked once at most, extended at most once from any one expiry, and every revoked grant says so.
    const grantEvents = await db
      .select({ subjectId: auditEvents.subjectId, action: auditEvents.action, data: auditEvents.data })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.orgId, org.org.id),
          inArray(
            auditEvents.subjectId,
            active.map((g) => g.id),
          ),
        ),
      );
    for (const g of active) {
      const mine = grantEvents.filter((e) => e.subjectId === g.id);
      expect(mine.filter((e) => e.action === "grant.revoke_requested").length).toBeLessThanOrEqual(1);
      expect(mine.filter((e) => e.action === "grant.revoked").length).toBeLessThanOrEqual(1);
      const froms = mine.filter((e) => e.action === "grant.extended").map((e) => String(e.data.from));
      expect(new Set(froms).size).toBe(froms.length);
    }
    const finals = await db
      .select()
      .from(grants)
      .where(
        inArray(
          grants.id,
          active.map((g) => g.id),
        ),
      );
    for (const g of finals) {
      const revoked = grantEvents.some((e) => e.subjectId === g.id && e.action === "grant.revoked");
      expect(g.status === "revoked", g.id).toBe(revoked);
    }
    expect(await verifyAuditChain(db, { orgId: org.org.id })).toMatchObject({ ok: true });
  });
});

async function transitions(orgId: string, requestIds: string[]) {
  return db
    .select({ subjectId: auditEvents.subjectId, action: auditEvents.action })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.orgId, orgId),
        inArray(auditEvents.subjectId, requestIds),
        inArray(auditEvents.action, ["request.approved", "request.denied", "request.cancelled"]),
      ),
    );
}
