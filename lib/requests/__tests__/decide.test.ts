import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessRequests, approvals, grants, groups, memberships, taskTemplates, users } from "@/db/schema";
import { slackCtx, systemCtx, tokenCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { recordingDriver } from "@/lib/workflows/port";
import { decideRequest } from "../decide";
import { listInbox } from "../list-inbox";
import { auditFor, counts, expectAppError, submitAs } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

async function addToApprovers(orgId: string, userId: string) {
  const [g] = await h.db
    .select()
    .from(groups)
    .where(and(eq(groups.orgId, orgId), eq(groups.name, "approvers")));
  await h.db.insert(memberships).values({ orgId, groupId: g.id, userId });
  return g;
}

describe("decideRequest", () => {
  it("approves: schedules one grant with the built role, audits, and dispatches request.approved after commit", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    const workflows = recordingDriver();
    const ctx = await userCtx(h.db, org.users.approver, workflows);
    const dto = await decideRequest({
      ctx,
      input: { requestId: req.id, verdict: "approve", comment: " ok " },
    });

    expect(dto.status).toBe("approved");
    expect(dto.decidedAt).not.toBeNull();
    expect(dto.approvals).toEqual([
      expect.objectContaining({
        approverId: org.users.approver.id,
        approverName: "Avery Approver",
        verdict: "approve",
        comment: "ok",
        channel: "web",
      }),
    ]);
    expect(dto.grants).toHaveLength(1);
    const grant = dto.grants[0];
    expect(grant).toMatchObject({
      requestId: req.id,
      status: "scheduled",
      user: { id: org.users.requester.id },
      target: { id: org.targets.aws.id, cloud: "aws" },
      resource: "i-0abc1234",
      durationMinutes: 60,
      expiresAt: null,
    });
    expect(grant.permissions).toEqual([...org.template("vm.ssh").permissions.aws].sort());
    expect(grant.roleName).toMatch(/^elevate_[0-9a-f]{20}$/);
    // The exact instance, never a substring of other ARNs (the old `arn:aws:*:*:<acct>:*<name>*`).
    expect(JSON.stringify(grant.roleDocument)).toContain("arn:aws:ec2:*:111122223333:instance/i-0abc1234");
    expect(JSON.stringify(grant.roleDocument)).not.toContain("*i-0abc1234*");
    const [row] = await h.db.select().from(grants).where(eq(grants.id, grant.id));
    expect(row).toMatchObject({ orgId: org.org.id, durationSeconds: 3600, userId: org.users.requester.id });

    expect(workflows.events).toEqual([
      { name: "request.approved", orgId: org.org.id, requestId: req.id, grantIds: [grant.id] },
    ]);
    expect((await auditFor(h.db, org.org.id, req.id)).map((a) => a.action)).toEqual([
      "request.submitted",
      "request.approved",
    ]);
    expect((await auditFor(h.db, org.org.id, grant.id)).map((a) => a.action)).toEqual(["grant.scheduled"]);
  });

  it("denies: one eligible denial decides, no grant, no dispatch", async () => {
    const org = await createTestOrg(h.db, { approvalsRequired: 2 });
    const req = await submitAs(h.db, org);
    await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: req.id, verdict: "approve" },
    });
    const ctx = await userCtx(h.db, org.users.approver2);
    const dto = await decideRequest({
      ctx,
      input: { requestId: req.id, verdict: "deny", comment: "too broad", channel: "slack" },
    });
    expect(dto.status).toBe("denied");
    expect(dto.grants).toEqual([]);
    expect(dto.approvals.map((a) => [a.verdict, a.channel])).toEqual([
      ["approve", "web"],
      ["deny", "slack"],
    ]);
    expect(ctx.workflows.events).toEqual([]);
    expect((await auditFor(h.db, org.org.id, req.id)).map((a) => a.action)).toEqual([
      "request.submitted",
      "request.approval_recorded",
      "request.denied",
    ]);
  });

  it("needs N distinct people for N-of-M", async () => {
    const org = await createTestOrg(h.db, { approvalsRequired: 2 });
    const req = await submitAs(h.db, org);
    const first = await userCtx(h.db, org.users.approver);
    const partial = await decideRequest({ ctx: first, input: { requestId: req.id, verdict: "approve" } });
    expect(partial).toMatchObject({ status: "pending", grants: [], decidedAt: null });
    expect(first.workflows.events).toEqual([]);

    // The same person again, through any channel, is one person.
    await expectAppError(
      decideRequest({ ctx: first, input: { requestId: req.id, verdict: "approve" } }),
      "conflict",
    );
    await expectAppError(
      decideRequest({
        ctx: await tokenCtx(h.db, org.users.approver),
        input: { requestId: req.id, verdict: "approve", channel: "api" },
      }),
      "conflict",
    );
    expect((await h.db.select().from(approvals).where(eq(approvals.requestId, req.id))).length).toBe(1);

    const second = await userCtx(h.db, org.users.approver2);
    const done = await decideRequest({ ctx: second, input: { requestId: req.id, verdict: "approve" } });
    expect(done.status).toBe("approved");
    expect(done.grants).toHaveLength(1);
    expect(second.workflows.events).toHaveLength(1);
    const audit = await auditFor(h.db, org.org.id, req.id);
    expect(audit.map((a) => a.action)).toEqual([
      "request.submitted",
      "request.approval_recorded",
      "request.approved",
    ]);
    expect(audit[1].data).toMatchObject({ approvals: 1, required: 2 });
    expect(audit[2].data).toMatchObject({ approvals: 2, required: 2 });
  });

  it("refuses self-approval, even for an approver and through a token or Slack, and writes only the refusal's audit event", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org, "approver");
    const before = await counts(h.db, org.org.id);
    for (const ctx of [
      await userCtx(h.db, org.users.approver),
      await tokenCtx(h.db, org.users.approver),
      await slackCtx(h.db, org.users.approver),
    ]) {
      const err = await expectAppError(
        decideRequest({ ctx, input: { requestId: req.id, verdict: "approve" } }),
        "forbidden",
      );
      expect(err.message).toMatch(/your own request/);
    }
    // Each refusal is evidence (issue 12: refused self-approvals are reported), so it is audited.
    expect(await counts(h.db, org.org.id)).toEqual({ ...before, audit: before.audit + 3 });
    expect(
      (await auditFor(h.db, org.org.id, req.id)).filter((a) => a.action === "request.self_approval_refused"),
    ).toHaveLength(3);
    // And it is not in their inbox, while it is in the other approver's.
    expect((await listInbox({ ctx: await userCtx(h.db, org.users.approver), input: {} })).items).toEqual([]);
    expect(
      (await listInbox({ ctx: await userCtx(h.db, org.users.approver2), input: {} })).items.map((i) => i.id),
    ).toEqual([req.id]);
  });

  it("compares stable user ids, not emails or names", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    // An approver renamed to look like the requester is still a different person, and may approve.
    await h.db.update(users).set({ name: "Riley Requester" }).where(eq(users.id, org.users.approver.id));
    const dto = await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: req.id, verdict: "approve" },
    });
    expect(dto.status).toBe("approved");
  });

  it("refuses people outside the approver group, even admins, and those without requests.approve", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    const before = await counts(h.db, org.org.id);
    const admin = await expectAppError(
      decideRequest({
        ctx: await userCtx(h.db, org.users.admin),
        input: { requestId: req.id, verdict: "approve" },
      }),
      "forbidden",
    );
    expect(admin.message).toContain("approvers");
    await expectAppError(
      decideRequest({
        ctx: await userCtx(h.db, org.users.auditor),
        input: { requestId: req.id, verdict: "deny" },
      }),
      "forbidden",
    );
    await expectAppError(
      decideRequest({ ctx: systemCtx(h.db, org.org.id), input: { requestId: req.id, verdict: "approve" } }),
      "forbidden",
    );
    expect(await counts(h.db, org.org.id)).toEqual(before);

    // Once in the group, the admin may decide.
    await addToApprovers(org.org.id, org.users.admin.id);
    const dto = await decideRequest({
      ctx: await userCtx(h.db, org.users.admin),
      input: { requestId: req.id, verdict: "approve" },
    });
    expect(dto.status).toBe("approved");
  });

  it("refuses an approver removed from the group after being notified, as if the request did not exist", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    const ctx = await userCtx(h.db, org.users.approver2); // loaded while still a member
    expect((await listInbox({ ctx, input: {} })).items.map((i) => i.id)).toEqual([req.id]);
    const [g] = await h.db
      .select()
      .from(groups)
      .where(and(eq(groups.orgId, org.org.id), eq(groups.name, "approvers")));
    await h.db
      .delete(memberships)
      .where(and(eq(memberships.groupId, g.id), eq(memberships.userId, org.users.approver2.id)));

    await expectAppError(
      decideRequest({ ctx, input: { requestId: req.id, verdict: "approve" } }),
      "not_found",
    );
    expect((await listInbox({ ctx, input: {} })).items).toEqual([]);
    const [row] = await h.db.select().from(accessRequests).where(eq(accessRequests.id, req.id));
    expect(row.status).toBe("pending");
  });

  it("refuses a disabled approver even with a stale session", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    const ctx = await userCtx(h.db, org.users.approver);
    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, org.users.approver.id));
    await expectAppError(
      decideRequest({ ctx, input: { requestId: req.id, verdict: "approve" } }),
      "not_found",
    );
  });

  it("refuses decisions on requests that are no longer pending", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: req.id, verdict: "deny" },
    });
    const before = await counts(h.db, org.org.id);
    const err = await expectAppError(
      decideRequest({
        ctx: await userCtx(h.db, org.users.approver2),
        input: { requestId: req.id, verdict: "approve" },
      }),
      "conflict",
    );
    expect(err.message).toContain("denied");
    expect(await counts(h.db, org.org.id)).toEqual(before);
  });

  it("answers 404 for another org's request, and validates input by field", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const req = await submitAs(h.db, other);
    const before = await counts(h.db, other.org.id);
    const ctx = await userCtx(h.db, org.users.approver);
    await expectAppError(
      decideRequest({ ctx, input: { requestId: req.id, verdict: "approve" } }),
      "not_found",
    );
    expect(await counts(h.db, other.org.id)).toEqual(before);
    await expectAppError(
      decideRequest({ ctx, input: { requestId: req.id, verdict: "maybe" as never } }),
      "validation",
      "verdict",
    );
    await expectAppError(
      decideRequest({ ctx, input: { requestId: req.id, verdict: "deny", comment: "x".repeat(2001) } }),
      "validation",
      "comment",
    );
  });

  it("rolls the whole decision back when scheduling the grant fails", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    // The template loses its AWS permissions after submission: building the role now fails.
    await h.db
      .update(taskTemplates)
      .set({ permissions: { aws: [], gcp: [], azure: [] } })
      .where(eq(taskTemplates.id, org.template("vm.ssh").id));
    const before = await counts(h.db, org.org.id);
    const ctx = await userCtx(h.db, org.users.approver);
    await expectAppError(
      decideRequest({ ctx, input: { requestId: req.id, verdict: "approve" } }),
      "validation",
    );
    expect(await counts(h.db, org.org.id)).toEqual(before);
    const [row] = await h.db.select().from(accessRequests).where(eq(accessRequests.id, req.id));
    expect(row.status).toBe("pending");
    expect(ctx.workflows.events).toEqual([]);
  });

  it("counts concurrent last approvals once each and approves exactly once", async () => {
    const org = await createTestOrg(h.db, { approvalsRequired: 2 });
    const req = await submitAs(h.db, org);
    const [a, b] = [await userCtx(h.db, org.users.approver), await userCtx(h.db, org.users.approver2)];
    const results = await Promise.all([
      decideRequest({ ctx: a, input: { requestId: req.id, verdict: "approve" } }),
      decideRequest({ ctx: b, input: { requestId: req.id, verdict: "approve" } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["approved", "pending"]);
    expect(a.workflows.events.length + b.workflows.events.length).toBe(1);
    expect((await h.db.select().from(grants).where(eq(grants.requestId, req.id))).length).toBe(1);
  });
});
