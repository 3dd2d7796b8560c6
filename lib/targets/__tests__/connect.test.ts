import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, targets } from "@/db/schema";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { connectTarget, getTarget, listTargetsForAdmin, updateTarget } from "..";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

async function admin() {
  const org = await createTestOrg(h.db);
  return { org, ctx: await userCtx(h.db, org.users.admin) };
}

const AWS_ENV = { type: "env", accessKeyIdVar: "ACME_AWS_KEY_ID", secretAccessKeyVar: "ACME_AWS_SECRET" };
const aws = (over: Record<string, unknown> = {}) => ({
  name: "prod-aws",
  cloud: "aws" as const,
  adapter: "aws" as const,
  externalId: "123456789012",
  settings: { endpoint: "https://iam.amazonaws.com", region: "us-east-1", credentials: AWS_ENV },
  ...over,
});

describe("connectTarget", () => {
  it("connects a target per cloud, audits it, and never returns more than the variable names", async () => {
    const { org, ctx } = await admin();
    const a = await connectTarget({ ctx, input: aws() });
    expect(a).toMatchObject({ name: "prod-aws", cloud: "aws", adapter: "aws", externalId: "123456789012" });
    expect(a.settings).toEqual({
      endpoint: "https://iam.amazonaws.com",
      region: "us-east-1",
      caConfigured: false,
      credentials: AWS_ENV,
    });
    const g = await connectTarget({
      ctx,
      input: {
        name: "prod-gcp",
        cloud: "gcp",
        adapter: "gcp",
        externalId: "acme-prod-1",
        settings: { credentials: { type: "env-json", var: "ACME_GCP_SA" } },
      },
    });
    expect(g.settings.credentials).toEqual({ type: "env-json", var: "ACME_GCP_SA" });
    const z = await connectTarget({
      ctx,
      input: {
        name: "prod-azure",
        cloud: "azure",
        adapter: "azure",
        externalId: "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
        settings: {
          credentials: { type: "env-token", var: "ACME_ARM_TOKEN" },
          pim: true,
          ca: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        },
      },
    });
    expect(z.externalId).toBe("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    expect(z.settings).toMatchObject({ pim: true, caConfigured: true });
    expect(JSON.stringify(z)).not.toContain("BEGIN CERTIFICATE");

    const [audit] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.subjectId, a.id)));
    expect(audit.action).toBe("target.connected");
    expect(audit.data).toMatchObject({ cloud: "aws", settings: { credentials: AWS_ENV } });

    expect(await getTarget({ ctx, input: { targetId: g.id } })).toEqual(g);
    const listed = await listTargetsForAdmin({ ctx });
    expect(listed.map((t) => t.name)).toEqual(expect.arrayContaining(["prod-aws", "prod-gcp", "prod-azure"]));
  });

  it("refuses an inline secret, naming the field, and stores nothing", async () => {
    const { org, ctx } = await admin();
    const inline = [
      { credentials: { type: "env", accessKeyIdVar: "A_KEY", secretAccessKey: "wJalrXUtnFEMI/K7MDENG" } },
      { credentials: "AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI" },
      { password: "hunter2", credentials: { type: "default" } },
    ];
    const fields = ["settings.credentials.secretAccessKey", "settings.credentials", "settings.password"];
    for (const [i, settings] of inline.entries()) {
      await expect(connectTarget({ ctx, input: aws({ settings }) })).rejects.toMatchObject({
        code: "validation",
        field: fields[i],
        message: expect.stringContaining("inline secrets are not accepted"),
      });
    }
    // A key pasted where a variable name belongs.
    await expect(
      connectTarget({
        ctx,
        input: aws({
          settings: { credentials: { ...AWS_ENV, accessKeyIdVar: "AKIAIOSFODNN7EXAMPLE" } },
        }),
      }),
    ).rejects.toMatchObject({ field: "settings.credentials.accessKeyIdVar" });
    await expect(
      connectTarget({
        ctx,
        input: aws({ settings: { credentials: { ...AWS_ENV, secretAccessKeyVar: "wJalr/XUtn+FEMI" } } }),
      }),
    ).rejects.toMatchObject({
      field: "settings.credentials.secretAccessKeyVar",
      message: expect.stringContaining("name of an environment variable"),
    });
    // GCP service-account JSON pasted into the reference.
    await expect(
      connectTarget({
        ctx,
        input: {
          name: "g",
          cloud: "gcp",
          adapter: "gcp",
          externalId: "acme-prod-1",
          settings: {
            credentials: { type: "env-json", var: '{"type":"service_account","private_key":"x"}' },
          },
        },
      }),
    ).rejects.toMatchObject({ field: "settings.credentials.var" });
    // Only the seed's five sandbox targets (AWS, GCP, Azure, Kubernetes, Okta): nothing was added.
    expect(await h.db.select().from(targets).where(eq(targets.orgId, org.org.id))).toHaveLength(5);
  });

  it("names a bad external id, a mismatched adapter and a bad endpoint", async () => {
    const { ctx } = await admin();
    const bad = async (input: Record<string, unknown>, field: string, message: RegExp) =>
      expect(connectTarget({ ctx, input: aws(input) })).rejects.toMatchObject({
        code: "validation",
        field,
        message: expect.stringMatching(message),
      });
    await bad({ externalId: "12345" }, "externalId", /12-digit AWS account id/);
    await bad(
      { cloud: "gcp", adapter: "sandbox", externalId: "Bad_Project" },
      "externalId",
      /GCP project id/,
    );
    await bad(
      { cloud: "azure", adapter: "sandbox", externalId: "not-a-guid" },
      "externalId",
      /subscription id/,
    );
    await bad({ adapter: "gcp" }, "adapter", /"sandbox" or "aws"/);
    await bad(
      { settings: { credentials: AWS_ENV, endpoint: "http://iam.example.com" } },
      "settings.endpoint",
      /https/,
    );
    await bad(
      { settings: { credentials: { type: "env-token", var: "X" } } },
      "settings.credentials.type",
      /type: "env"/,
    );
    await bad(
      { settings: { credentials: { ...AWS_ENV, accessKeyIdVar: "DATABASE_URL" } } },
      "settings.credentials.accessKeyIdVar",
      /Elevate's own/,
    );
    await bad({ name: "" }, "name", /required/);
  });

  it("keeps names unique per organization (Conflict), but not across organizations", async () => {
    const { ctx } = await admin();
    await connectTarget({ ctx, input: aws() });
    await expect(connectTarget({ ctx, input: aws() })).rejects.toMatchObject({ code: "conflict" });
    const other = await admin();
    await expect(connectTarget({ ctx: other.ctx, input: aws() })).resolves.toMatchObject({
      name: "prod-aws",
    });
  });

  it("is forbidden without targets.manage", async () => {
    const { org } = await admin();
    for (const who of ["requester", "approver", "auditor"] as const) {
      const ctx = await userCtx(h.db, org.users[who]);
      await expect(connectTarget({ ctx, input: aws() })).rejects.toMatchObject({ code: "forbidden" });
      await expect(getTarget({ ctx, input: { targetId: org.targets.aws.id } })).rejects.toMatchObject({
        code: "forbidden",
      });
    }
  });
});

describe("updateTarget and getTarget", () => {
  it("renames and replaces settings, validated and audited", async () => {
    const { org, ctx } = await admin();
    const t = await connectTarget({ ctx, input: aws() });
    const out = await updateTarget({
      ctx,
      input: { targetId: t.id, name: "prod-aws-2", settings: { credentials: { type: "default" } } },
    });
    expect(out).toMatchObject({ name: "prod-aws-2", settings: { credentials: { type: "default" } } });
    await expect(
      updateTarget({
        ctx,
        input: { targetId: t.id, settings: { credentials: { type: "env", secret: "x" } } },
      }),
    ).rejects.toMatchObject({ field: "settings.credentials.secret" });
    await expect(
      updateTarget({ ctx, input: { targetId: t.id, name: org.targets.gcp.name } }),
    ).rejects.toMatchObject({ code: "conflict" });
    const actions = await h.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.subjectId, t.id)))
      .orderBy(asc(auditEvents.seq));
    expect(actions.map((a) => a.action)).toEqual(["target.connected", "target.updated"]);
  });

  it("answers NotFound for another organization's target, and changes nothing", async () => {
    const mine = await admin();
    const theirs = await admin();
    const t = await connectTarget({ ctx: theirs.ctx, input: aws() });
    await expect(getTarget({ ctx: mine.ctx, input: { targetId: t.id } })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      updateTarget({ ctx: mine.ctx, input: { targetId: t.id, name: "stolen" } }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(getTarget({ ctx: mine.ctx, input: { targetId: "not-a-uuid" } })).rejects.toMatchObject({
      code: "not_found",
    });
    expect((await getTarget({ ctx: theirs.ctx, input: { targetId: t.id } })).name).toBe("prod-aws");
  });

  it("never shows keys that are not on the allow-list, even from a hand-edited row", async () => {
    const { org, ctx } = await admin();
    await h.db
      .update(targets)
      .set({ settings: { credentials: { type: "env", secretAccessKey: "leaked" }, token: "leaked" } })
      .where(eq(targets.id, org.targets.aws.id));
    const dto = await getTarget({ ctx, input: { targetId: org.targets.aws.id } });
    expect(JSON.stringify(dto)).not.toContain("leaked");
  });
});
