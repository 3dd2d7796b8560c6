import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, taskTemplates } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { createTemplate, getTemplateHistory, previewTemplate, updateTemplate } from "../index";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const NEW = {
  key: "queue.read",
  name: "Read a queue",
  description: "Peek at messages on one queue",
  risk: "medium" as const,
  placeholders: [],
  permissions: { aws: ["sqs:ReceiveMessage", "sqs:GetQueueAttributes"], gcp: [], azure: [] },
};

async function rejects(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

async function setup() {
  const org = await createTestOrg(h.db);
  return {
    org,
    admin: await userCtx(h.db, org.users.admin),
    requester: await userCtx(h.db, org.users.requester),
  };
}

describe("createTemplate", () => {
  it("creates version 1 with permissions checked, wildcards stored expanded, and audits the diff", async () => {
    const { org, admin } = await setup();
    const made = await createTemplate({
      ctx: admin,
      input: { ...NEW, permissions: { ...NEW.permissions, gcp: ["compute.instances.g?t"] } },
    });
    expect(made).toMatchObject({ key: "queue.read", version: 1, risk: "medium" });
    expect(made.permissions.aws).toEqual(["sqs:GetQueueAttributes", "sqs:ReceiveMessage"]);
    expect(made.permissions.gcp).toEqual(["compute.instances.get"]);
    expect(made.expanded.gcp).toEqual([
      { pattern: "compute.instances.g?t", matches: ["compute.instances.get"] },
    ]);
    const [audit] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.action, "template.created")));
    expect(audit.subjectId).toBe(made.id);
    expect(audit.data).toMatchObject({
      key: "queue.read",
      version: 1,
      diff: { permissions: { aws: { added: made.permissions.aws } } },
    });

    const dup = await rejects(createTemplate({ ctx: admin, input: NEW }));
    expect(dup.code).toBe("conflict");
  });

  it("rejects an unknown permission naming the cloud field with a suggestion, and changes nothing", async () => {
    const { org, admin } = await setup();
    const err = await rejects(
      createTemplate({
        ctx: admin,
        input: { ...NEW, permissions: { ...NEW.permissions, aws: ["sqs:RecieveMessage"] } },
      }),
    );
    expect(err).toMatchObject({ code: "validation", field: "permissions.aws" });
    expect(err.message).toContain('did you mean "sqs:ReceiveMessage"');
    const rows = await h.db
      .select()
      .from(taskTemplates)
      .where(and(eq(taskTemplates.orgId, org.org.id), eq(taskTemplates.key, NEW.key)));
    expect(rows).toHaveLength(0);
  });

  it("refuses Elevate's own management permissions and names bad fields", async () => {
    const { admin } = await setup();
    const mgmt = await rejects(
      createTemplate({
        ctx: admin,
        input: { ...NEW, permissions: { aws: [], gcp: ["iam.roles.create"], azure: [] } },
      }),
    );
    expect(mgmt).toMatchObject({ code: "validation", field: "permissions.gcp" });
    expect(mgmt.message).toContain("manages Elevate itself");
    const none = await rejects(
      createTemplate({ ctx: admin, input: { ...NEW, permissions: { aws: [], gcp: [], azure: [] } } }),
    );
    expect(none.field).toBe("permissions");
    expect((await rejects(createTemplate({ ctx: admin, input: { ...NEW, key: "Bad Key" } }))).field).toBe(
      "key",
    );
    const ph = await rejects(createTemplate({ ctx: admin, input: { ...NEW, placeholders: ["planet"] } }));
    expect(ph.field).toBe("placeholders.0");
  });

  it("is forbidden without templates.edit", async () => {
    const { requester } = await setup();
    expect((await rejects(createTemplate({ ctx: requester, input: NEW }))).code).toBe("forbidden");
  });
});

describe("updateTemplate", () => {
  it("saves a new version with a diff, leaves the old row untouched, and refuses a stale expectedVersion", async () => {
    const { org, admin } = await setup();
    const v1 = org.template("vm.restart");
    const v2 = await updateTemplate({
      ctx: admin,
      input: {
        key: "vm.restart",
        expectedVersion: 1,
        risk: "high",
        permissions: {
          aws: [...v1.permissions.aws.filter((p) => p !== "ec2:StopInstances"), "ec2:DescribeInstanceStatus"],
        },
      },
    });
    expect(v2).toMatchObject({ version: 2, risk: "high", changed: true, name: v1.name });
    expect(v2.diff.fields).toEqual([{ field: "risk", from: "medium", to: "high" }]);
    expect(v2.diff.permissions.aws).toEqual({
      added: ["ec2:DescribeInstanceStatus"],
      removed: ["ec2:StopInstances"],
    });
    expect(v2.permissions.gcp).toEqual([...v1.permissions.gcp].sort());
    const [old] = await h.db.select().from(taskTemplates).where(eq(taskTemplates.id, v1.id));
    expect(old).toMatchObject({ version: 1, risk: "medium", permissions: v1.permissions });

    const stale = await rejects(
      updateTemplate({ ctx: admin, input: { key: "vm.restart", expectedVersion: 1, name: "Restart!" } }),
    );
    expect(stale.code).toBe("conflict");
    // Retrying the save that already happened answers success without a third version.
    const retry = await updateTemplate({
      ctx: admin,
      input: { key: "vm.restart", expectedVersion: 1, risk: "high" },
    });
    expect(retry).toMatchObject({ version: 2, changed: false });

    const audits = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.action, "template.updated")));
    expect(audits).toHaveLength(1);
    expect(audits[0].data).toMatchObject({ key: "vm.restart", version: 2, previousVersion: 1 });
  });

  it("expands wildcards on update and rejects unknown ones", async () => {
    const { admin } = await setup();
    const v2 = await updateTemplate({
      ctx: admin,
      input: { key: "logs.read", expectedVersion: 1, permissions: { aws: ["logs:GetLog*"] } },
    });
    expect(v2.permissions.aws.length).toBeGreaterThan(1);
    expect(v2.permissions.aws.every((p) => p.startsWith("logs:GetLog"))).toBe(true);
    const bad = await rejects(
      updateTemplate({
        ctx: admin,
        input: { key: "logs.read", expectedVersion: 2, permissions: { azure: ["Microsoft.Nope/*"] } },
      }),
    );
    expect(bad).toMatchObject({ code: "validation", field: "permissions.azure" });
  });

  it("is forbidden without templates.edit and answers 404 for another org's key", async () => {
    const { requester } = await setup();
    const other = await setup();
    expect(
      (
        await rejects(
          updateTemplate({ ctx: requester, input: { key: "vm.ssh", expectedVersion: 1, name: "x" } }),
        )
      ).code,
    ).toBe("forbidden");
    await createTemplate({ ctx: other.admin, input: NEW });
    const { admin } = await setup();
    const cross = await rejects(
      updateTemplate({ ctx: admin, input: { key: NEW.key, expectedVersion: 1, name: "mine" } }),
    );
    expect(cross.code).toBe("not_found");
    expect((await rejects(getTemplateHistory({ ctx: admin, input: { key: NEW.key } }))).code).toBe(
      "not_found",
    );
    expect((await rejects(previewTemplate({ ctx: admin, input: { key: NEW.key, cloud: "aws" } }))).code).toBe(
      "not_found",
    );
  });
});

describe("getTemplateHistory", () => {
  it("lists versions newest first with the diff between consecutive versions", async () => {
    const { admin, requester } = await setup();
    await updateTemplate({
      ctx: admin,
      input: { key: "bucket.read", expectedVersion: 1, name: "Read a bucket (v2)" },
    });
    await updateTemplate({ ctx: admin, input: { key: "bucket.read", expectedVersion: 2, placeholders: [] } });
    const hist = await getTemplateHistory({ ctx: requester, input: { key: "bucket.read" } });
    expect(hist.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(hist.versions[0].diff.fields).toEqual([{ field: "placeholders", from: ["bucket"], to: [] }]);
    expect(hist.versions[1].diff.fields).toEqual([
      { field: "name", from: expect.any(String), to: "Read a bucket (v2)" },
    ]);
    expect(hist.versions[2].diff.fields).toHaveLength(4);
  });
});

describe("previewTemplate", () => {
  it("builds the exact document per cloud for a template, scoped to a resource, with notes and risk", async () => {
    const { org, requester } = await setup();
    const aws = await previewTemplate({
      ctx: requester,
      input: { key: "vm.ssh", cloud: "aws", resource: "i-0abc1234" },
    });
    expect(aws).toMatchObject({
      cloud: "aws",
      template: { key: "vm.ssh", version: 1 },
      declaredRisk: "high",
    });
    expect(aws.accountId).toBe(org.targets.aws.externalId);
    expect(JSON.stringify(aws.document)).toContain("i-0abc");
    expect(aws.notes[0]).toContain("aws-sandbox-prod");
    const gcp = await previewTemplate({
      ctx: requester,
      input: { key: "vm.ssh", cloud: "gcp", resource: "us-central1-a/vm-1" },
    });
    expect(gcp.document.includedPermissions).toEqual([...org.template("vm.ssh").permissions.gcp].sort());
    expect(gcp.binding.condition?.expression).toContain("vm-1");
    const az = await previewTemplate({ ctx: requester, input: { key: "vm.ssh", cloud: "azure" } });
    expect(az.binding.scope).toBe(`/subscriptions/${org.targets.azure.externalId}`);
    expect(az.riskLevel).toMatch(/low|medium|high/);
  });

  it("previews explicit permissions with wildcards expanded, and rejects a bad resource naming the field", async () => {
    const { requester } = await setup();
    const out = await previewTemplate({
      ctx: requester,
      input: { cloud: "aws", permissions: ["s3:GetObjectT*"], accountId: "210987654321" },
    });
    expect(out.expanded[0].matches).toContain("s3:GetObjectTagging");
    expect(out.template).toBeNull();
    const bad = await rejects(
      previewTemplate({
        ctx: requester,
        input: { cloud: "aws", permissions: ["s3:GetObject"], resource: "a b" },
      }),
    );
    expect(bad.field).toBe("resource");
    expect((await rejects(previewTemplate({ ctx: requester, input: { cloud: "aws" } }))).field).toBe(
      "permissions",
    );
  });
});

describe("declared risk", () => {
  it("refuses a template declared less risky than the catalog rates its permissions, naming risk and why", async () => {
    const { admin } = await setup();
    const err = await rejects(
      createTemplate({
        ctx: admin,
        input: {
          ...NEW,
          key: "bucket.peek",
          risk: "low",
          permissions: { aws: ["s3:GetObject"], gcp: [], azure: [] },
        },
      }),
    );
    expect(err.field).toBe("risk");
    expect(err.message).toMatch(/s3:GetObject medium risk/);
    const ok = await createTemplate({
      ctx: admin,
      input: {
        ...NEW,
        key: "bucket.peek",
        risk: "medium",
        permissions: { aws: ["s3:GetObject"], gcp: [], azure: [] },
      },
    });
    expect(ok.risk).toBe("medium");
    const lowered = await rejects(
      updateTemplate({ ctx: admin, input: { key: "bucket.peek", expectedVersion: 1, risk: "low" } }),
    );
    expect(lowered.field).toBe("risk");
  });
});
