import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { provisionGrant } from "@/lib/grants/provision";
import { approveMany } from "@/lib/requests/approve-many";
import { decideRequest } from "@/lib/requests/decide";
import { listInbox } from "@/lib/requests/list-inbox";
import { listInboxCards } from "@/lib/requests/list-inbox-cards";
import { previewRequest } from "@/lib/requests/preview";
import { getRequestView } from "@/lib/requests/request-view";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { approvedRequest, counts, expectAppError, submitAs, validInput } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("previewRequest", () => {
  it("names the approvers (not the requester), the duration and the exact role the grant will hold", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.approver);
    const { targetId, templateId, resource } = validInput(org);
    const preview = await previewRequest({
      ctx,
      input: { targetId, templateId, resource, durationMinutes: 90 },
    });

    expect(preview.approval.group).toBe("approvers");
    expect(preview.approval.required).toBe(1);
    expect(preview.approval.approvers.map((a) => a.name)).toEqual(["Jordan Approver"]);
    expect(preview.durationMinutes).toBe(90);
    expect(preview.maxMinutes).toBe(480);
    expect(preview.roles).toHaveLength(1);
    const role = preview.roles[0];
    expect(role.target.id).toBe(targetId);
    expect(role.permissions.length).toBeGreaterThan(0);
    expect(role.riskTags.length).toBeGreaterThan(0);
    // The risk the picker and the inbox show is the template's; the catalog's rating never lowers it.
    const template = org.templates.find((t) => t.id === templateId);
    expect(role.declaredRisk).toBe(template?.risk);
    const order = ["low", "medium", "high"];
    expect(order.indexOf(role.riskLevel)).toBeGreaterThanOrEqual(order.indexOf(role.declaredRisk ?? "low"));

    // The promise holds: the grant scheduled on approval carries the same role.
    const req = await submitAs(h.db, org, "requester", { durationMinutes: 90 });
    const approved = await (await import("@/lib/requests/decide")).decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: req.id, verdict: "approve" },
    });
    expect(approved.grants[0].roleName).toBe(role.roleName);
    expect(approved.grants[0].roleDocument).toEqual(role.document);
  });

  it("refuses a duration over the policy, naming the field, and a bad resource", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const { targetId, templateId } = validInput(org);
    await expectAppError(
      previewRequest({ ctx, input: { targetId, templateId, durationMinutes: 481 } }),
      "limit_exceeded",
      "durationMinutes",
    );
    await expectAppError(
      previewRequest({ ctx, input: { targetId, templateId, resource: "a b", durationMinutes: 60 } }),
      "validation",
      "resource",
    );
  });

  it("is forbidden to an auditor and answers NotFound for another org's target", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const { templateId } = validInput(org);
    await expectAppError(
      previewRequest({
        ctx: await userCtx(h.db, org.users.auditor),
        input: { targetId: org.targets.aws.id, templateId, durationMinutes: 60 },
      }),
      "forbidden",
    );
    await expectAppError(
      previewRequest({
        ctx: await userCtx(h.db, org.users.requester),
        input: { targetId: other.targets.aws.id, templateId, durationMinutes: 60 },
      }),
      "not_found",
    );
  });
});

describe("listInboxCards", () => {
  it("adds permission count, risk tags and the requester's other recent requests", async () => {
    const org = await createTestOrg(h.db);
    const first = await submitAs(h.db, org);
    const second = await submitAs(h.db, org, "requester", { justification: "second" });
    const { items } = await listInboxCards({ ctx: await userCtx(h.db, org.users.approver), input: {} });

    expect(items.map((i) => i.id)).toEqual([second.id, first.id]);
    const card = items[0];
    expect(card.permissionCount).toBeGreaterThan(0);
    expect(card.riskTags.length).toBeGreaterThan(0);
    expect(card.history.map((x) => x.id)).toEqual([first.id]);
    expect(card.history[0]).toMatchObject({ status: "pending", targetName: "aws-sandbox-prod" });
    // History times read like every other DTO time (UTC ISO, milliseconds), whatever the session time zone.
    expect(card.history[0].createdAt).toBe(first.createdAt);
    // The card carries what it shows: no approvals list, grants or ids of people and targets.
    expect(card.approvalCount).toBe(0);
    expect(card).not.toHaveProperty("approvals");
    expect(card).not.toHaveProperty("grants");
    expect(card.requester).toEqual({ name: "Riley Requester", email: expect.stringContaining("requester@") });
    expect(card.target).toEqual({ name: "aws-sandbox-prod", cloud: "aws" });
  });

  it("counts approvals so far and lists exactly the requests listInbox lets the approver decide", async () => {
    const org = await createTestOrg(h.db, { approvalsRequired: 2 });
    const r1 = await submitAs(h.db, org);
    const r2 = await submitAs(h.db, org, "requester", { justification: "second" });
    const own = await submitAs(h.db, org, "approver");
    const approver = await userCtx(h.db, org.users.approver);
    const approver2 = await userCtx(h.db, org.users.approver2);
    await decideRequest({ ctx: approver, input: { requestId: r1.id, verdict: "approve" } }); // 1 of 2

    const cards = (await listInboxCards({ ctx: approver2, input: {} })).items;
    expect(cards.map((c) => [c.id, c.approvalCount, c.approvalsRequired])).toEqual([
      [own.id, 0, 2],
      [r2.id, 0, 2],
      [r1.id, 1, 2],
    ]);
    for (const ctx of [approver, approver2]) {
      const ids = (await listInboxCards({ ctx, input: {} })).items.map((c) => c.id);
      expect(ids).toEqual((await listInbox({ ctx, input: {} })).items.map((i) => i.id));
    }
    // The first approver decided r1 and asked for `own`: only r2 is left to them.
    expect((await listInboxCards({ ctx: approver, input: {} })).items.map((c) => c.id)).toEqual([r2.id]);
  });

  it("shows the newest `limit` cards and says whether older ones wait", async () => {
    const org = await createTestOrg(h.db);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await submitAs(h.db, org, "requester", { justification: `n${i}` })).id);
    const ctx = await userCtx(h.db, org.users.approver);
    const two = await listInboxCards({ ctx, input: { limit: 2 } });
    expect(two.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    expect(two.more).toBe(true);
    const three = await listInboxCards({ ctx, input: { limit: 3 } });
    expect(three.items.map((i) => i.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(three.more).toBe(false);
    await expectAppError(listInboxCards({ ctx, input: { limit: 0 } }), "validation", "limit");
  });

  it("shows an auditor nothing and never another org's requests", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    await submitAs(h.db, other);
    await submitAs(h.db, org);
    expect((await listInboxCards({ ctx: await userCtx(h.db, org.users.auditor), input: {} })).items).toEqual(
      [],
    );
    const mine = await listInboxCards({ ctx: await userCtx(h.db, org.users.approver), input: {} });
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0].history).toEqual([]);
  });
});

describe("approveMany", () => {
  it("approves low-risk requests and refuses higher-risk ones item by item", async () => {
    const org = await createTestOrg(h.db);
    const low = await submitAs(h.db, org, "requester", {
      templateId: org.template("db.read").id,
      resource: null,
    });
    const medium = await submitAs(h.db, org);
    const ctx = await userCtx(h.db, org.users.approver);
    const { results } = await approveMany({ ctx, input: { requestIds: [low.id, medium.id] } });

    expect(results).toEqual([
      { requestId: low.id, ok: true, status: "approved" },
      {
        requestId: medium.id,
        ok: false,
        error: { code: "validation", message: expect.stringContaining("high-risk") },
      },
    ]);
  });

  it("never lets the requester approve their own request, even in bulk", async () => {
    const org = await createTestOrg(h.db);
    const own = await submitAs(h.db, org, "approver", {
      templateId: org.template("db.read").id,
      resource: null,
    });
    const before = await counts(h.db, org.org.id);
    const { results } = await approveMany({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestIds: [own.id] },
    });
    expect(results[0]).toMatchObject({ ok: false, error: { code: "forbidden" } });
    // Nothing changes but the refusal's audit event (request.self_approval_refused, issue 12).
    expect(await counts(h.db, org.org.id)).toEqual({ ...before, audit: before.audit + 1 });
  });

  it("is forbidden without requests.approve and reports another org's id as not found", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const foreign = await submitAs(h.db, other, "requester", {
      templateId: other.template("db.read").id,
      resource: null,
    });
    await expectAppError(
      approveMany({ ctx: await userCtx(h.db, org.users.auditor), input: { requestIds: [foreign.id] } }),
      "forbidden",
    );
    const { results } = await approveMany({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestIds: [foreign.id] },
    });
    expect(results).toEqual([
      { requestId: foreign.id, ok: false, error: { code: "not_found", message: "Request not found" } },
    ]);
    expect((await counts(h.db, other.org.id)).approvals).toBe(0);
  });
});

describe("getRequestView", () => {
  it("tells the requester how to use a live grant; the approver sees the request without instructions", async () => {
    const org = await createTestOrg(h.db);
    const { request, grant } = await approvedRequest(h.db, org);
    await provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId: grant.id } });

    const mine = await getRequestView({
      ctx: await userCtx(h.db, org.users.requester),
      input: { requestId: request.id },
    });
    expect(mine.mine).toBe(true);
    expect(mine.request.grants[0].status).toBe("active");
    const usage = mine.usage[grant.id];
    expect(usage.sandbox).toBe(true);
    expect(usage.cli[0]).toContain(`elevate/${org.org.id}/elevate-${grant.id}`);

    const approver = await getRequestView({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: request.id },
    });
    expect(approver.mine).toBe(false);
    expect(approver.usage).toEqual({});
  });

  it("answers NotFound to someone outside the request and to another org", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const req = await submitAs(h.db, org, "approver");
    await expectAppError(
      getRequestView({ ctx: await userCtx(h.db, org.users.requester), input: { requestId: req.id } }),
      "not_found",
    );
    await expectAppError(
      getRequestView({ ctx: await userCtx(h.db, other.users.admin), input: { requestId: req.id } }),
      "not_found",
    );
  });
});
