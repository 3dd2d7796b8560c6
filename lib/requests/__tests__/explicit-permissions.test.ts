import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessRequests } from "@/db/schema";
import { decideRequest } from "@/lib/requests/decide";
import { listInboxCards } from "@/lib/requests/list-inbox-cards";
import { previewRequest } from "@/lib/requests/preview";
import { submitRequest } from "@/lib/requests/submit";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { auditFor, counts, expectAppError, validInput } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

type Org = Awaited<ReturnType<typeof createTestOrg>>;
/** A submission that lists its own permissions instead of naming a template. */
const explicitInput = (org: Org, permissions: string[], overrides = {}) =>
  validInput(org, { templateId: undefined, permissions, resource: null, ...overrides });

describe("requests with explicit permissions", () => {
  it("expands wildcards, stores the expanded list, audits it and grants exactly those permissions", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const dto = await submitRequest({
      ctx,
      input: explicitInput(org, [
        "ec2:DescribeInstances",
        " ec2:DescribeInstanceStatus ",
        "ec2:StartInstances",
      ]),
    });
    expect(dto).toMatchObject({
      status: "pending",
      template: null,
      permissions: ["ec2:DescribeInstanceStatus", "ec2:DescribeInstances", "ec2:StartInstances"],
      risk: "medium",
    });

    const wild = await submitRequest({ ctx, input: explicitInput(org, ["ec2:DescribeInstance*"]) });
    expect(wild.permissions?.length).toBeGreaterThan(1);
    expect(wild.permissions?.every((p) => p.startsWith("ec2:DescribeInstance"))).toBe(true);
    expect(wild.permissions).not.toContain("ec2:DescribeInstance*");
    expect(wild.risk).toBe("low");
    const [row] = await h.db.select().from(accessRequests).where(eq(accessRequests.id, wild.id));
    expect(row).toMatchObject({ templateId: null, permissions: wild.permissions });

    const audit = await auditFor(h.db, org.org.id, wild.id);
    expect(audit.map((a) => a.action)).toEqual(["request.submitted"]);
    expect(audit[0].data).toMatchObject({
      requestedPermissions: ["ec2:DescribeInstance*"],
      permissions: wild.permissions,
      risk: "low",
    });
    expect(audit[0].data).not.toHaveProperty("templateId");

    const approved = await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: wild.id, verdict: "approve" },
    });
    expect(approved.grants).toHaveLength(1);
    expect(approved.grants[0].permissions).toEqual(wild.permissions);
    expect(approved.grants[0].roleDocument).toMatchObject({
      Statement: [expect.objectContaining({ Action: wild.permissions })],
    });
  });

  it("the preview shows the exact document the scheduled grant holds", async () => {
    const org = await createTestOrg(h.db);
    const requester = await userCtx(h.db, org.users.requester);
    const permissions = ["ec2:Reboot*", "ec2:DescribeInstances"];
    const input = { resource: "i-0abc1234", resourceKind: "instance" };
    const preview = await previewRequest({
      ctx: requester,
      input: { targetId: org.targets.aws.id, permissions, ...input, durationMinutes: 60 },
    });
    expect(preview.explicit?.unknown).toEqual([]);
    expect(preview.explicit?.expanded.map((e) => e.pattern)).toEqual(["ec2:Reboot*"]);
    // ec2:DescribeInstances supports only "*": declared account-wide, not silently widened.
    expect(preview.roles[0].wide.flatMap((w) => w.permissions)).toEqual(["ec2:DescribeInstances"]);
    expect(preview.roles).toHaveLength(1);
    expect(preview.roles[0].permissions).toEqual(preview.explicit?.permissions);

    const req = await submitRequest({
      ctx: requester,
      input: explicitInput(org, permissions, input),
    });
    const approved = await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: req.id, verdict: "approve" },
    });
    expect(approved.grants[0].roleName).toBe(preview.roles[0].roleName);
    expect(approved.grants[0].roleDocument).toEqual(preview.roles[0].document);
    expect(approved.grants[0].permissions).toEqual(preview.roles[0].permissions);
  });

  it("the preview lists unknown permissions with suggestions instead of failing", async () => {
    const org = await createTestOrg(h.db);
    const preview = await previewRequest({
      ctx: await userCtx(h.db, org.users.requester),
      input: {
        targetId: org.targets.aws.id,
        permissions: ["ec2:DescribeInstancez", "ec2:StartInstances"],
        durationMinutes: 30,
      },
    });
    expect(preview.roles).toEqual([]);
    expect(preview.explicit?.unknown).toEqual([
      { name: "ec2:DescribeInstancez", suggestions: expect.arrayContaining(["ec2:DescribeInstances"]) },
    ]);
  });

  it("refuses an unknown permission naming `permissions`, with a suggestion, and writes nothing", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const before = await counts(h.db, org.org.id);
    const err = await expectAppError(
      submitRequest({ ctx, input: explicitInput(org, ["ec2:DescribeInstancez"]) }),
      "validation",
      "permissions",
    );
    expect(err.status).toBe(400);
    expect(err.message).toContain('did you mean "ec2:DescribeInstances"');
    await expectAppError(
      submitRequest({ ctx, input: explicitInput(org, ["ec2:NoSuchThing*"]) }),
      "validation",
      "permissions",
    );
    expect(await counts(h.db, org.org.id)).toEqual(before);
  });

  it("refuses Elevate's own management permissions, by name or through a wildcard's expansion", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const err = await expectAppError(
      submitRequest({ ctx, input: explicitInput(org, ["iam:CreateRole"]) }),
      "validation",
      "permissions",
    );
    expect(err.message).toContain("manages Elevate itself");
    await expectAppError(
      submitRequest({ ctx, input: explicitInput(org, ["iam:GetRole", "iam:PutRolePolicy"]) }),
      "validation",
      "permissions",
    );
    // A wildcard may match them; they are left out of what is stored and granted.
    const dto = await submitRequest({ ctx, input: explicitInput(org, ["iam:*RolePolicy"]) });
    expect(dto.permissions).not.toContain("iam:PutRolePolicy");
    expect(dto.permissions).not.toContain("iam:DeleteRolePolicy");
    expect(dto.permissions).toContain("iam:GetRolePolicy");
  });

  it("needs exactly one of templateId and permissions", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const both = validInput(org, { permissions: ["ec2:DescribeInstances"] });
    await expectAppError(submitRequest({ ctx, input: both }), "validation", "permissions");
    const neither = validInput(org, { templateId: undefined });
    await expectAppError(submitRequest({ ctx, input: neither }), "validation", "templateId");
    await expectAppError(submitRequest({ ctx, input: explicitInput(org, []) }), "validation", "permissions");
    const many = Array.from({ length: 201 }, () => "ec2:DescribeInstances");
    await expectAppError(
      submitRequest({ ctx, input: explicitInput(org, many) }),
      "validation",
      "permissions",
    );
    await expectAppError(
      previewRequest({ ctx, input: { ...both, durationMinutes: 30 } }),
      "validation",
      "permissions",
    );
  });

  it("the database refuses a request with both or neither (CHECK constraint)", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const dto = await submitRequest({ ctx, input: explicitInput(org, ["ec2:DescribeInstances"]) });
    // drizzle wraps the driver's error; the constraint's name is in its cause.
    const violation = (q: Promise<unknown>) =>
      q.then(
        () => "no error",
        (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
      );
    const template = org.template("vm.ssh").id;
    expect(
      await violation(
        h.db.execute(sql`update access_requests set template_id = ${template} where id = ${dto.id}`),
      ),
    ).toMatch(/requests_template_xor_permissions/);
    expect(
      await violation(h.db.execute(sql`update access_requests set permissions = null where id = ${dto.id}`)),
    ).toMatch(/requests_template_xor_permissions/);
  });

  it("shows in the approver's inbox with its risk and permission count", async () => {
    const org = await createTestOrg(h.db);
    const dto = await submitRequest({
      ctx: await userCtx(h.db, org.users.requester),
      input: explicitInput(org, ["ec2:DescribeInstances", "iam:PassRole"]),
    });
    const { items } = await listInboxCards({ ctx: await userCtx(h.db, org.users.approver), input: {} });
    const card = items.find((i) => i.id === dto.id);
    expect(card).toMatchObject({ template: null, risk: "high", permissionCount: 2 });
    expect(card?.riskTags).toContain("privesc:pass-role");
  });

  it("gives each distinct role its own count and tags, loaded after loaded (role summaries are cached)", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const two = await submitRequest({
      ctx,
      input: explicitInput(org, ["ec2:DescribeInstances", "s3:GetObject"]),
    });
    const three = await submitRequest({
      ctx,
      input: explicitInput(org, ["ec2:DescribeInstances", "s3:GetObject", "iam:PassRole"]),
    });
    const approver = await userCtx(h.db, org.users.approver);
    for (let load = 0; load < 2; load++) {
      const { items } = await listInboxCards({ ctx: approver, input: {} });
      const byId = new Map(items.map((i) => [i.id, i]));
      expect(byId.get(two.id)?.permissionCount).toBe(2);
      expect(byId.get(two.id)?.riskTags).not.toContain("privesc:pass-role");
      expect(byId.get(three.id)?.permissionCount).toBe(3);
      expect(byId.get(three.id)?.riskTags).toContain("privesc:pass-role");
    }
  });
});
