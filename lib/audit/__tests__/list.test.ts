import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { appendAudit } from "@/lib/audit/append";
import { approvedRequest, expectAppError } from "@/lib/requests/__tests__/helpers";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { exportAuditCsv, getAuditChainStatus, getCheckpointStatus, listAuditEvents } from "../list";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let out = "";
  for await (const chunk of gen) out += chunk;
  return out;
}

describe("listAuditEvents", () => {
  it("filters by actor (id or email), action (exact or prefix), subject and time, newest first", async () => {
    const org = await createTestOrg(h.db);
    const { request, grant } = await approvedRequest(h.db, org);
    const auditor = await userCtx(h.db, org.users.auditor);
    const all = await listAuditEvents({ ctx: auditor, input: {} });
    expect(all.items.map((e) => e.seq)).toEqual([...all.items.map((e) => e.seq)].sort((a, b) => b - a));
    expect(all.items.length).toBeGreaterThanOrEqual(2);

    const byEmail = await listAuditEvents({
      ctx: auditor,
      input: { actor: org.users.approver.email.toUpperCase() },
    });
    const byId = await listAuditEvents({ ctx: auditor, input: { actor: org.users.approver.id } });
    expect(byEmail.items.length).toBeGreaterThan(0);
    expect(byEmail.items.map((e) => e.id)).toEqual(byId.items.map((e) => e.id));
    expect(byEmail.items.every((e) => e.actorLabel === org.users.approver.name)).toBe(true);

    const requestEvents = await listAuditEvents({ ctx: auditor, input: { action: "request." } });
    expect(requestEvents.items.length).toBeGreaterThan(0);
    expect(requestEvents.items.every((e) => e.action.startsWith("request."))).toBe(true);
    const exact = await listAuditEvents({ ctx: auditor, input: { action: requestEvents.items[0].action } });
    expect(exact.items.every((e) => e.action === requestEvents.items[0].action)).toBe(true);

    const subject = await listAuditEvents({ ctx: auditor, input: { subjectId: request.id } });
    expect(subject.items.every((e) => e.subjectId === request.id)).toBe(true);
    expect(subject.items.length).toBeGreaterThan(0);
    expect(grant.id).toBeTruthy();

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await listAuditEvents({ ctx: auditor, input: { from: future } })).items).toEqual([]);
    expect((await listAuditEvents({ ctx: auditor, input: { to: future } })).items.length).toBe(
      all.items.length,
    );
    await expectAppError(
      listAuditEvents({ ctx: auditor, input: { from: "yesterday-ish" } }),
      "validation",
      "from",
    );
    await expectAppError(
      listAuditEvents({ ctx: auditor, input: { from: future, to: new Date().toISOString() } }),
      "validation",
      "to",
    );
  });

  it("pages by seq without gaps, refuses a requester, and never shows another org's events", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    await approvedRequest(h.db, org);
    await approvedRequest(h.db, other);
    const admin = await userCtx(h.db, org.users.admin);
    const all = await listAuditEvents({ ctx: admin, input: { limit: 1000 } });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents({ ctx: admin, input: { limit: 1, cursor } });
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.items.map((e) => e.id));
    const otherIds = (await listAuditEvents({ ctx: systemCtx(h.db, other.org.id), input: {} })).items.map(
      (e) => e.id,
    );
    expect(otherIds.length).toBeGreaterThan(0);
    expect(all.items.some((e) => otherIds.includes(e.id))).toBe(false);
    // An id from the other org as a filter finds nothing here.
    expect((await listAuditEvents({ ctx: admin, input: { actor: other.users.approver.id } })).items).toEqual(
      [],
    );
    const requester = await userCtx(h.db, org.users.requester);
    await expectAppError(listAuditEvents({ ctx: requester, input: {} }), "forbidden");
    await expectAppError(getAuditChainStatus({ ctx: requester }), "forbidden");
    await expectAppError(listAuditEvents({ ctx: admin, input: { cursor: "abc" } }), "validation", "cursor");
  });
});

describe("audit chain status and CSV export", () => {
  it("verifies the org's chain and exports neutralised CSV", async () => {
    const org = await createTestOrg(h.db);
    const job = systemCtx(h.db, org.org.id);
    await h.db.transaction((tx) =>
      appendAudit(tx, job, {
        action: "test.event",
        subjectType: "test",
        subjectId: '=HYPERLINK("http://evil")',
        data: { note: "+1" },
      }),
    );
    const auditor = await userCtx(h.db, org.users.auditor);
    expect(await getAuditChainStatus({ ctx: auditor })).toMatchObject({ ok: true, orgs: 1, checked: 1 });
    const csv = await collect(exportAuditCsv({ ctx: auditor, input: {} }));
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "seq,created_at,actor_type,actor_id,actor,action,subject_type,subject_id,data,hash",
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[1]).toContain("system:test");
    expect(lines[1]).not.toMatch(/,=/);
    // Each export leaves a signed checkpoint of the chain as exported; the page shows it verified.
    const status = await getCheckpointStatus({ ctx: auditor });
    expect(status).toMatchObject({ signing: true, lastVerified: true, last: { seq: 1, reason: "export" } });
    expect(await getAuditChainStatus({ ctx: auditor })).toMatchObject({
      ok: true,
      checked: 1,
      checkpoints: 1,
    });
  });
});
