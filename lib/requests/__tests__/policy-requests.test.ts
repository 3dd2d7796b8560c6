import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessRequests, approvals, grants, type PolicyDocument, targets } from "@/db/schema";
import { extendGrant } from "@/lib/grants/extend-grant";
import { reconcileOnce } from "@/lib/grants/reconcile";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { setOnCallDirectory } from "@/lib/oncall";
import { type FakePagerDuty, startFakePagerDuty } from "@/lib/oncall/fake/pagerduty";
import { createPagerDutyDirectory } from "@/lib/oncall/pagerduty";
import { DEFAULT_POLICY_DOCUMENT } from "@/lib/policies/default";
import { updateTarget } from "@/lib/targets";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { recordingDriver } from "@/lib/workflows/port";
import { reviewBreakGlass } from "../break-glass";
import { decideRequest } from "../decide";
import { listInbox } from "../list-inbox";
import { submitRequest } from "../submit";
import { auditFor, counts, expectAppError } from "./helpers";

let h: DbHandle;
let pd: FakePagerDuty;
beforeAll(async () => {
  h = await openTestDb();
  pd = await startFakePagerDuty({ token: "pd-token" });
});
afterAll(async () => {
  await pd?.stop();
  await h?.close();
});
afterEach(() => setOnCallDirectory(undefined));

const withRules = (rules: PolicyDocument["rules"], defaults: Partial<PolicyDocument["defaults"]> = {}) => ({
  ...DEFAULT_POLICY_DOCUMENT,
  defaults: { ...DEFAULT_POLICY_DOCUMENT.defaults, ...defaults },
  rules,
});

async function logsTemplate(org: Awaited<ReturnType<typeof createTestOrg>>) {
  return org.template("logs.read").id;
}

describe("a target's policy fields", () => {
  it("an admin sets tags, environment, owners and on-call service; bad values name the field and change nothing", async () => {
    const org = await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    const targetId = org.targets.aws.id;
    const dto = await updateTarget({
      ctx: admin,
      input: {
        targetId,
        tags: ["pci", "pci", "team:payments"],
        environment: "prod",
        oncallServiceId: "P1ABC2D",
      },
    });
    expect(dto.policy).toEqual({
      tags: ["pci", "team:payments"],
      environment: "prod",
      ownerGroup: null,
      oncallServiceId: "P1ABC2D",
    });
    await expectAppError(
      updateTarget({ ctx: admin, input: { targetId, tags: ["bad tag"] } }),
      "validation",
      "tags.0",
    );
    await expectAppError(
      updateTarget({ ctx: admin, input: { targetId, oncallServiceId: "not an id" } }),
      "validation",
      "oncallServiceId",
    );
    const [row] = await h.db.select().from(targets).where(eq(targets.id, targetId));
    expect(row).toMatchObject({
      tags: ["pci", "team:payments"],
      environment: "prod",
      oncallServiceId: "P1ABC2D",
    });
    // Cleared with null; requesters cannot change them.
    expect(
      (await updateTarget({ ctx: admin, input: { targetId, environment: null } })).policy.environment,
    ).toBeNull();
    await expectAppError(
      updateTarget({
        ctx: await userCtx(h.db, org.users.requester),
        input: { targetId, environment: "dev" },
      }),
      "forbidden",
    );
    const audited = (await auditFor(h.db, org.org.id, targetId)).filter((e) => e.action === "target.updated");
    expect(audited).toHaveLength(2); // the refused attempts wrote nothing
    expect(audited[1].data).toMatchObject({ environment: { from: "prod", to: null } });
  });
});

describe("multi-target requests", () => {
  it("one decision, one grant per target, each on its own lifecycle", async () => {
    const org = await createTestOrg(h.db);
    const ids = [org.targets.aws.id, org.targets.gcp.id, org.targets.azure.id];
    const req = await submitRequest({
      ctx: await userCtx(h.db, org.users.requester),
      input: {
        targetIds: ids,
        templateId: await logsTemplate(org),
        durationMinutes: 60,
        justification: "INC-7",
      },
    });
    expect(req).toMatchObject({ status: "pending", targetIds: ids, target: { id: ids[0] } });
    const workflows = recordingDriver();
    const dto = await decideRequest({
      ctx: await userCtx(h.db, org.users.approver, workflows),
      input: { requestId: req.id, verdict: "approve" },
    });
    expect(dto.status).toBe("approved");
    expect(dto.grants.map((g) => g.target.id).sort()).toEqual([...ids].sort());
    expect(new Set(dto.grants.map((g) => g.roleName)).size).toBeGreaterThan(0);
    expect(workflows.events).toHaveLength(1);
    const [event] = workflows.events as { name: string; requestId: string; grantIds: string[] }[];
    expect(event).toMatchObject({ name: "request.approved", requestId: req.id });
    expect([...event.grantIds].sort()).toEqual(dto.grants.map((g) => g.id).sort());
    // The approval records the policy version and rules the request was judged by (evidence).
    const [approval] = await h.db.select().from(approvals).where(eq(approvals.requestId, req.id));
    expect(approval).toMatchObject({ policyVersion: 1, ruleIds: [] });

    // Revoking one grant leaves the others as they were.
    await revokeGrant({
      ctx: await userCtx(h.db, org.users.admin),
      input: { grantId: dto.grants[0].id, reason: "only this one" },
    });
    const rows = await h.db.select().from(grants).where(eq(grants.requestId, req.id));
    const byId = new Map(rows.map((g) => [g.id, g.status]));
    expect(byId.get(dto.grants[0].id)).not.toBe("scheduled");
    expect(dto.grants.slice(1).map((g) => byId.get(g.id))).toEqual(["scheduled", "scheduled"]);
  });

  it("each target's rules apply and the strictest combination wins: every approver group must approve", async () => {
    const org = await createTestOrg(
      h.db,
      withRules([
        {
          id: "prod-owners",
          match: { environments: ["prod"] },
          decide: { approverGroups: ["$owners"], maxDurationSeconds: 3600 },
        },
      ]),
    );
    // Set through the admin verb behind PATCH /api/v1/targets/{id}.
    const updated = await updateTarget({
      ctx: await userCtx(h.db, org.users.admin),
      input: { targetId: org.targets.gcp.id, environment: "prod", ownerGroup: "platform" },
    });
    expect(updated.policy).toEqual({
      tags: [],
      environment: "prod",
      ownerGroup: "platform",
      oncallServiceId: null,
    });
    const ctx = await userCtx(h.db, org.users.requester);
    const input = {
      targetIds: [org.targets.aws.id, org.targets.gcp.id],
      templateId: await logsTemplate(org),
      durationMinutes: 60,
      justification: "INC-8",
    };
    await expectAppError(
      submitRequest({ ctx, input: { ...input, durationMinutes: 61 } }),
      "limit_exceeded",
      "durationMinutes",
    );
    const req = await submitRequest({ ctx, input });
    expect(req.policy).toMatchObject({ ruleIds: ["prod-owners"], approverGroups: ["approvers", "platform"] });
    // An approver alone does not meet it; the target owners' approval does.
    const first = await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: req.id, verdict: "approve" },
    });
    expect(first.status).toBe("pending");
    // The owners' group (platform: the admin only) sees it in its inbox too.
    const inbox = await listInbox({ ctx: await userCtx(h.db, org.users.admin), input: {} });
    expect(inbox.items.map((r) => r.id)).toContain(req.id);
    const second = await decideRequest({
      ctx: await userCtx(h.db, org.users.admin),
      input: { requestId: req.id, verdict: "approve" },
    });
    expect(second.status).toBe("approved");
    expect(second.grants).toHaveLength(2);
  });

  it("refuses bad target lists with a 400 naming the field, writing nothing", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const before = await counts(h.db, org.org.id);
    const base = { templateId: await logsTemplate(org), durationMinutes: 60, justification: "x" };
    await expectAppError(
      submitRequest({
        ctx,
        input: { ...base, targetId: org.targets.aws.id, targetIds: [org.targets.gcp.id] },
      }),
      "validation",
      "targetIds",
    );
    await expectAppError(
      submitRequest({ ctx, input: { ...base, targetIds: [org.targets.aws.id, org.targets.aws.id] } }),
      "validation",
      "targetIds",
    );
    await expectAppError(
      submitRequest({ ctx, input: { ...base, targetIds: [] } }),
      "validation",
      "targetIds",
    );
    await expectAppError(
      submitRequest({
        ctx,
        input: {
          targetIds: [org.targets.aws.id, org.targets.gcp.id],
          permissions: ["s3:GetObject"],
          durationMinutes: 60,
          justification: "x",
        },
      }),
      "validation",
      "targetIds",
    );
    expect(await counts(h.db, org.org.id)).toEqual(before);
  });
});

describe("automatic approval", () => {
  it("a medium-risk rule approves at once, audited as automatic and naming the rule; high risk waits", async () => {
    const org = await createTestOrg(
      h.db,
      withRules([
        {
          id: "medium-auto",
          match: { risks: ["low", "medium"] },
          decide: { autoApprove: { maxRisk: "medium" } },
        },
      ]),
    );
    const workflows = recordingDriver();
    const ctx = await userCtx(h.db, org.users.requester, workflows);
    const req = await submitRequest({
      ctx,
      input: {
        targetId: org.targets.aws.id,
        templateId: await logsTemplate(org),
        durationMinutes: 30,
        justification: "x",
      },
    });
    expect(req.status).toBe("approved");
    expect(req.policy?.automatic).toEqual({ ruleIds: ["medium-auto"], conditions: ["risk medium ≤ medium"] });
    expect(req.grants).toHaveLength(1);
    const audit = await auditFor(h.db, org.org.id, req.id);
    expect(audit.map((a) => a.action)).toEqual(["request.submitted", "request.approved"]);
    expect(audit[1].data).toMatchObject({ automatic: true, ruleIds: ["medium-auto"] });
    expect(workflows.events.map((e) => e.name)).toEqual(["request.approved"]);

    const high = await submitRequest({
      ctx,
      input: {
        targetId: org.targets.aws.id,
        templateId: org.template("vm.ssh").id,
        resource: "i-0abc1234",
        durationMinutes: 30,
        justification: "x",
      },
    });
    expect(high.status).toBe("pending");
  });

  it("on call in PagerDuty for the target's service: approved automatically; not on call: pending", async () => {
    pd.services.set("PDB", "PEPDB");
    pd.onCall.set("PEPDB", [{ id: "PU1", email: "", name: "" }]);
    setOnCallDirectory(createPagerDutyDirectory({ token: "pd-token", baseUrl: pd.url }));
    const org = await createTestOrg(
      h.db,
      withRules([
        { id: "on-call", match: { environments: ["prod"] }, decide: { autoApprove: { onCall: true } } },
      ]),
    );
    await h.db
      .update(targets)
      .set({ environment: "prod", oncallServiceId: "PDB" })
      .where(eq(targets.id, org.targets.aws.id));
    pd.onCall.set("PEPDB", [{ id: "PU1", email: org.users.requester.email, name: "Riley" }]);
    const input = {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
      resource: "i-0abc1234",
      durationMinutes: 30,
      justification: "paged",
    };
    const onCall = await submitRequest({ ctx: await userCtx(h.db, org.users.requester), input });
    expect(onCall.status).toBe("approved");
    expect(onCall.policy?.automatic).toEqual({ ruleIds: ["on-call"], conditions: ["requester on call"] });
    const notOnCall = await submitRequest({ ctx: await userCtx(h.db, org.users.approver), input });
    expect(notOnCall.status).toBe("pending");
  });
});

describe("extensions", () => {
  it("are automatic up to the policy's limit; beyond it the request's approvers decide, and approval extends", async () => {
    const org = await createTestOrg(h.db, withRules([], { extensions: { autoUpToSeconds: 1800 } }));
    const { grantId, requestId } = await activeGrantFor(h.db, org, "requester", {
      targetId: org.targets.aws.id,
      templateId: await logsTemplate(org),
    });
    const ctx = await userCtx(h.db, org.users.requester);
    const auto = await extendGrant({ ctx, input: { grantId, minutes: 30, reason: "more" } });
    expect(auto.extensionRequestId).toBeNull();
    const afterAuto = auto.expiresAt as string;

    // One more minute is past the automatic limit: nothing moves, an extension request waits instead.
    const asked = await extendGrant({ ctx, input: { grantId, minutes: 45, reason: "migration overran" } });
    expect(asked.expiresAt).toBe(afterAuto);
    const extensionId = asked.extensionRequestId as string;
    expect(extensionId).toMatch(/^[0-9a-f-]{36}$/);
    const [ext] = await h.db.select().from(accessRequests).where(eq(accessRequests.id, extensionId));
    expect(ext).toMatchObject({
      status: "pending",
      extendsGrantId: grantId,
      requesterId: org.users.requester.id,
      targetId: org.targets.aws.id,
      durationSeconds: 45 * 60,
      justification: "migration overran",
    });
    // It reaches the approvers' inbox like any request, and a second ask waits for the first.
    const inbox = await listInbox({ ctx: await userCtx(h.db, org.users.approver), input: {} });
    expect(inbox.items.map((r) => r.id)).toContain(extensionId);
    expect(inbox.items.find((r) => r.id === extensionId)?.extendsGrantId).toBe(grantId);
    await expectAppError(extendGrant({ ctx, input: { grantId, minutes: 45, reason: "again" } }), "conflict");
    // Nobody approves their own extension.
    await expectAppError(
      decideRequest({ ctx, input: { requestId: extensionId, verdict: "approve" } }),
      "forbidden",
    );

    const before = await h.db.select().from(grants).where(eq(grants.requestId, requestId));
    const approved = await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: extensionId, verdict: "approve" },
    });
    expect(approved.status).toBe("approved");
    expect(approved.grants).toEqual([]); // no new grant: the existing one is extended
    const [g] = await h.db.select().from(grants).where(eq(grants.id, grantId));
    expect(g.expiresAt?.toISOString()).toBe(new Date(Date.parse(afterAuto) + 45 * 60_000).toISOString());
    expect(await h.db.select().from(grants).where(eq(grants.requestId, extensionId))).toEqual([]);
    expect(before).toHaveLength(1);
    const trail = await auditFor(h.db, org.org.id, grantId);
    expect(trail.filter((a) => a.action === "grant.extended").map((a) => a.data)).toEqual([
      expect.objectContaining({ minutes: 30, by: "owner" }),
      expect.objectContaining({
        minutes: 45,
        by: "approval",
        extensionRequestId: extensionId,
        reason: "migration overran",
        to: g.expiresAt?.toISOString(),
      }),
    ]);
  });

  it("an approved extension of a grant that ended meanwhile is recorded, not applied", async () => {
    const org = await createTestOrg(h.db, withRules([], { extensions: { autoUpToSeconds: 0 } }));
    const { grantId } = await activeGrantFor(h.db, org, "requester", {
      targetId: org.targets.aws.id,
      templateId: await logsTemplate(org),
    });
    const ctx = await userCtx(h.db, org.users.requester);
    const asked = await extendGrant({ ctx, input: { grantId, minutes: 15, reason: "more" } });
    await revokeGrant({ ctx, input: { grantId, reason: "done early" } });
    const [before] = await h.db.select().from(grants).where(eq(grants.id, grantId));
    await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: asked.extensionRequestId as string, verdict: "approve" },
    });
    const [after] = await h.db.select().from(grants).where(eq(grants.id, grantId));
    expect(after.expiresAt).toEqual(before.expiresAt);
    expect(after.status).not.toBe("active");
    const trail = await auditFor(h.db, org.org.id, grantId);
    expect(trail.map((a) => a.action)).toContain("grant.extension_not_applied");
  });

  it("an admin cannot ask on the user's behalf past the limit: LimitExceeded naming minutes, nothing written", async () => {
    const org = await createTestOrg(h.db, withRules([], { extensions: { autoUpToSeconds: 0 } }));
    const { grantId } = await activeGrantFor(h.db, org, "requester", {
      targetId: org.targets.aws.id,
      templateId: await logsTemplate(org),
    });
    const before = await counts(h.db, org.org.id);
    await expectAppError(
      extendGrant({ ctx: await userCtx(h.db, org.users.admin), input: { grantId, minutes: 5, reason: "x" } }),
      "limit_exceeded",
      "minutes",
    );
    expect(await counts(h.db, org.org.id)).toEqual(before);
  });
});

describe("break-glass", () => {
  it("self-activates when allowed: grant scheduled, request.break_glass audited, admins alerted, review due", async () => {
    const org = await createTestOrg(
      h.db,
      withRules([], { breakGlass: { allowed: true, maxDurationSeconds: 1800, reviewWithinSeconds: 3600 } }),
    );
    const workflows = recordingDriver();
    const ctx = await userCtx(h.db, org.users.requester, workflows);
    const input = {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
      resource: "i-0abc1234",
      durationMinutes: 30,
      justification: "prod down, nobody answers",
      breakGlass: true,
    };
    await expectAppError(
      submitRequest({ ctx, input: { ...input, durationMinutes: 31 } }),
      "limit_exceeded",
      "durationMinutes",
    );
    const req = await submitRequest({ ctx, input });
    expect(req.status).toBe("approved");
    expect(req.grants).toHaveLength(1);
    expect(req.breakGlass?.reviewedAt).toBeNull();
    expect(Date.parse(req.breakGlass?.reviewDueAt ?? "") - Date.parse(req.createdAt)).toBeGreaterThanOrEqual(
      3599_000,
    );
    const actions = (await auditFor(h.db, org.org.id, req.id)).map((a) => a.action);
    expect(actions).toEqual(["request.submitted", "request.break_glass"]);
    expect(workflows.events).toEqual([
      { name: "request.approved", orgId: org.org.id, requestId: req.id, grantIds: [req.grants[0].id] },
      expect.objectContaining({
        name: "alert.raised",
        kind: "break_glass.activated",
        grantId: req.grants[0].id,
      }),
    ]);

    // Overdue: the reconciler escalates once (audit + another alert), and never again.
    const late = new Date(Date.now() + 2 * 3600_000);
    const reconcilerEvents = recordingDriver();
    const pass = () => reconcileOnce({ db: h.db, now: late, orgId: org.org.id, workflows: reconcilerEvents });
    expect((await pass()).reviewsEscalated).toBe(1);
    expect((await pass()).reviewsEscalated).toBe(0);
    expect(reconcilerEvents.events.filter((e) => e.name === "alert.raised")).toEqual([
      expect.objectContaining({
        kind: "break_glass.review_overdue",
        occurrence: `break-glass:review_overdue:${req.id}`,
      }),
    ]);

    // The review: never by the person who used it; then by an admin, once.
    await expectAppError(
      reviewBreakGlass({
        ctx: await userCtx(h.db, org.users.requester),
        input: { requestId: req.id, comment: "fine" },
      }),
      "forbidden",
    );
    const admin = await userCtx(h.db, org.users.admin);
    await expectAppError(
      reviewBreakGlass({ ctx: admin, input: { requestId: req.id, comment: " " } }),
      "validation",
      "comment",
    );
    const reviewed = await reviewBreakGlass({
      ctx: admin,
      input: { requestId: req.id, comment: "justified" },
    });
    expect(reviewed.breakGlass?.reviewedAt).not.toBeNull();
    const breakGlassActions = (await auditFor(h.db, org.org.id, req.id))
      .map((a) => a.action)
      .filter((a) => a.startsWith("request.break_glass"));
    expect(breakGlassActions).toEqual([
      "request.break_glass",
      "request.break_glass_review_overdue",
      "request.break_glass_reviewed",
    ]);
    await expectAppError(
      reviewBreakGlass({ ctx: admin, input: { requestId: req.id, comment: "again" } }),
      "conflict",
    );
  });

  it("is refused where the policy does not allow it, changing nothing", async () => {
    const org = await createTestOrg(h.db);
    const before = await counts(h.db, org.org.id);
    await expectAppError(
      submitRequest({
        ctx: await userCtx(h.db, org.users.requester),
        input: {
          targetId: org.targets.aws.id,
          templateId: org.template("vm.ssh").id,
          resource: "i-0abc1234",
          durationMinutes: 30,
          justification: "x",
          breakGlass: true,
        },
      }),
      "validation",
      "breakGlass",
    );
    expect(await counts(h.db, org.org.id)).toEqual(before);
    const rows = await h.db
      .select()
      .from(accessRequests)
      .where(and(eq(accessRequests.orgId, org.org.id), eq(accessRequests.breakGlass, true)));
    expect(rows).toEqual([]);
  });
});
