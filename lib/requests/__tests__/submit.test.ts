import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessRequests, policies, taskTemplates } from "@/db/schema";
import { documentFromLegacy } from "@/lib/policies/default";
import { systemCtx, tokenCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { submitRequest } from "../submit";
import { auditFor, counts, expectAppError, validInput } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("submitRequest", () => {
  it("records a pending request with the policy's snapshot and audits it in the same transaction", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const dto = await submitRequest({ ctx, input: validInput(org, { justification: "  fix prod  " }) });

    expect(dto).toMatchObject({
      status: "pending",
      requester: { id: org.users.requester.id, email: org.users.requester.email },
      target: { id: org.targets.aws.id, cloud: "aws", externalId: "111122223333" },
      template: { key: "vm.ssh", version: 1, risk: "high" },
      resource: "i-0abc1234",
      durationMinutes: 60,
      justification: "fix prod",
      ticketUrl: "https://tickets.example/INC-42",
      approvalsRequired: 1,
      approverGroup: "approvers",
      approvals: [],
      grants: [],
      decidedAt: null,
    });
    expect(new Date(dto.createdAt).toISOString()).toBe(dto.createdAt);
    const [row] = await h.db.select().from(accessRequests).where(eq(accessRequests.id, dto.id));
    const [policy] = await h.db.select().from(policies).where(eq(policies.orgId, org.org.id));
    expect(row).toMatchObject({ orgId: org.org.id, durationSeconds: 3600, policyId: policy.id });
    const audit = await auditFor(h.db, org.org.id, dto.id);
    expect(audit.map((a) => a.action)).toEqual(["request.submitted"]);
    expect(audit[0]).toMatchObject({
      actorId: org.users.requester.id,
      data: { durationMinutes: 60, policyVersion: 1 },
    });
    expect(ctx.workflows.events).toEqual([]);
  });

  it("judges by the highest policy version", async () => {
    const org = await createTestOrg(h.db);
    await h.db.insert(policies).values({
      orgId: org.org.id,
      version: 2,
      document: documentFromLegacy({
        approvalsRequired: 2,
        approverGroup: "platform",
        maxDurationSeconds: 3600,
        justificationRequired: false,
        pendingTimeoutSeconds: 60,
      }),
    });
    const ctx = await userCtx(h.db, org.users.requester);
    const dto = await submitRequest({ ctx, input: validInput(org, { justification: "" }) });
    expect(dto).toMatchObject({ approvalsRequired: 2, approverGroup: "platform", justification: "" });
    await expectAppError(
      submitRequest({ ctx, input: validInput(org, { durationMinutes: 61 }) }),
      "limit_exceeded",
      "durationMinutes",
    );
  });

  it.each([
    ["zero", 0, "validation"],
    ["negative", -5, "validation"],
    ["fractional", 1.5, "validation"],
    ["NaN", Number.NaN, "validation"],
    ["Infinity", Number.POSITIVE_INFINITY, "validation"],
    ["a string", "60", "validation"],
    ["above the policy maximum (8h)", 8 * 60 + 1, "limit_exceeded"],
    ["far above the maximum", 1e12, "limit_exceeded"],
  ] as const)(
    "rejects a duration that is %s, naming durationMinutes, and changes nothing",
    async (_, value, code) => {
      const org = await createTestOrg(h.db);
      const before = await counts(h.db, org.org.id);
      const ctx = await userCtx(h.db, org.users.requester);
      const input = { ...validInput(org), durationMinutes: value as number };
      await expectAppError(submitRequest({ ctx, input }), code, "durationMinutes");
      expect(await counts(h.db, org.org.id)).toEqual(before);
    },
  );

  it("accepts exactly the policy maximum", async () => {
    const org = await createTestOrg(h.db);
    const dto = await submitRequest({
      ctx: await userCtx(h.db, org.users.requester),
      input: validInput(org, { durationMinutes: 480 }),
    });
    expect(dto.durationMinutes).toBe(480);
  });

  it("requires a justification when the policy does, and not otherwise", async () => {
    const strict = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, strict.users.requester);
    await expectAppError(
      submitRequest({ ctx, input: validInput(strict, { justification: "   " }) }),
      "validation",
      "justification",
    );
    const input = validInput(strict);
    delete input.justification;
    await expectAppError(submitRequest({ ctx, input }), "validation", "justification");
    expect((await counts(h.db, strict.org.id)).requests).toBe(0);

    const lax = await createTestOrg(h.db, { justificationRequired: false });
    const dto = await submitRequest({
      ctx: await userCtx(h.db, lax.users.requester),
      input: validInput(lax, { justification: "" }),
    });
    expect(dto.justification).toBe("");
  });

  it("rejects bad fields by name: resource, ticket link, long justification, ids", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const cases: [Partial<Record<string, unknown>>, string][] = [
      [{ resource: "i-1; drop table" }, "resource"],
      [{ resource: "x".repeat(200) }, "resource"],
      [{ ticketUrl: "javascript:alert(1)" }, "ticketUrl"],
      [{ ticketUrl: "not a url" }, "ticketUrl"],
      [{ justification: "x".repeat(2001) }, "justification"],
      [{ targetId: "not-a-uuid" }, "targetId"],
      [{ templateId: 42 }, "templateId"],
    ];
    for (const [override, field] of cases) {
      await expectAppError(
        submitRequest({ ctx, input: { ...validInput(org), ...override } as never }),
        "validation",
        field,
      );
    }
    expect((await counts(h.db, org.org.id)).requests).toBe(0);
  });

  it("treats empty optional fields as absent", async () => {
    const org = await createTestOrg(h.db);
    const dto = await submitRequest({
      ctx: await userCtx(h.db, org.users.requester),
      input: validInput(org, { resource: "", ticketUrl: "" }),
    });
    expect(dto).toMatchObject({ resource: null, ticketUrl: null });
  });

  it("refuses a template that has nothing for the target's cloud, naming templateId", async () => {
    const org = await createTestOrg(h.db);
    const [tpl] = await h.db
      .insert(taskTemplates)
      .values({
        orgId: org.org.id,
        key: "gcp.only",
        name: "GCP only",
        description: "no AWS permissions",
        risk: "low",
        permissions: { aws: [], gcp: ["compute.instances.get"], azure: [] },
      })
      .returning();
    const ctx = await userCtx(h.db, org.users.requester);
    await expectAppError(
      submitRequest({ ctx, input: validInput(org, { templateId: tpl.id }) }),
      "validation",
      "templateId",
    );
  });

  it("answers 404 for another org's target or template, and writes nothing", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    await expectAppError(
      submitRequest({ ctx, input: validInput(org, { targetId: other.targets.aws.id }) }),
      "not_found",
    );
    await expectAppError(
      submitRequest({ ctx, input: validInput(org, { templateId: other.template("vm.ssh").id }) }),
      "not_found",
    );
    expect(await counts(h.db, org.org.id)).toMatchObject({ requests: 0, audit: 0 });
    expect(await counts(h.db, other.org.id)).toMatchObject({ requests: 0, audit: 0 });
  });

  it("refuses actors without requests.create, and the system (a request needs a person)", async () => {
    const org = await createTestOrg(h.db);
    await expectAppError(
      submitRequest({ ctx: await userCtx(h.db, org.users.auditor), input: validInput(org) }),
      "forbidden",
    );
    await expectAppError(
      submitRequest({ ctx: systemCtx(h.db, org.org.id), input: validInput(org) }),
      "forbidden",
    );
    expect((await counts(h.db, org.org.id)).requests).toBe(0);
  });

  it("works through an API token, recorded as the token's user", async () => {
    const org = await createTestOrg(h.db);
    const dto = await submitRequest({
      ctx: await tokenCtx(h.db, org.users.requester),
      input: validInput(org),
    });
    const [audit] = await auditFor(h.db, org.org.id, dto.id);
    expect(dto.requester.id).toBe(org.users.requester.id);
    expect(audit.actorId).toBe(org.users.requester.id);
  });
});
