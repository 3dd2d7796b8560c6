import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { type FakeIam, startFakeIam } from "@/lib/clouds/fakes/aws-iam";
import { type FakeAzure, startFakeAzure } from "@/lib/clouds/fakes/azure";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { connectTarget, listTargetsForAdmin, testTargetConnection } from "..";

const KEY_ID = "AKIAELEVATETEST00001";

let h: DbHandle;
let iam: FakeIam;
let gcp: FakeGcp;
let azure: FakeAzure;
const vars: string[] = [];

beforeAll(async () => {
  [h, iam, gcp, azure] = await Promise.all([
    openTestDb(),
    startFakeIam({ accountId: "123456789012", accessKeyId: KEY_ID }),
    startFakeGcp(),
    startFakeAzure(),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.close(), iam?.stop(), gcp?.stop(), azure?.stop()]);
});
afterEach(() => {
  for (const v of vars.splice(0)) delete process.env[v];
});

/** A fresh env var name per test, so tests never see each other's secrets. */
function envVar(value?: string): string {
  const name = `ELEVATE_TEST_${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`;
  vars.push(name);
  if (value !== undefined) process.env[name] = value;
  return name;
}

async function admin() {
  const org = await createTestOrg(h.db);
  return { org, ctx: await userCtx(h.db, org.users.admin) };
}

async function awsTarget(keyId: string | undefined) {
  const { org, ctx } = await admin();
  const accessKeyIdVar = envVar(keyId);
  const secretAccessKeyVar = envVar("not-a-real-secret");
  const t = await connectTarget({
    ctx,
    input: {
      name: "aws-fake",
      cloud: "aws",
      adapter: "aws",
      externalId: "123456789012",
      settings: { endpoint: iam.url, credentials: { type: "env", accessKeyIdVar, secretAccessKeyVar } },
    },
  });
  return { org, ctx, t, accessKeyIdVar };
}

describe("testTargetConnection", () => {
  it("AWS fake with good keys: ok, with IAM's request ids, audited", async () => {
    const { org, ctx, t } = await awsTarget(KEY_ID);
    const out = await testTargetConnection({ ctx, input: { targetId: t.id } });
    expect(out).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^OK: connected to account 123456789012/),
    });
    expect(out.requestIds.length).toBeGreaterThan(0);
    expect(iam.state.calls.map((c) => c.requestId)).toEqual(expect.arrayContaining(out.requestIds));
    const [audit] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.action, "target.tested")));
    expect(audit.data).toMatchObject({ ok: true, requestIds: out.requestIds });
    const [listed] = (await listTargetsForAdmin({ ctx })).filter((x) => x.id === t.id);
    expect(listed.lastCheck).toMatchObject({ ok: true, message: out.message });
  });

  it("AWS fake with a wrong key: a clear error naming AWS's code, no secret in it", async () => {
    const { ctx, t } = await awsTarget("AKIAWRONGWRONGWRONG1");
    const out = await testTargetConnection({ ctx, input: { targetId: t.id } });
    expect(out.ok).toBe(false);
    expect(out.message).toBe("credentials rejected by AWS (InvalidClientTokenId)");
    expect(out.requestIds).toHaveLength(1);
    expect(JSON.stringify(out)).not.toContain("not-a-real-secret");
  });

  it("picks up a fixed variable without a restart (secrets are read at each call)", async () => {
    const { ctx, t, accessKeyIdVar } = await awsTarget("AKIAWRONGWRONGWRONG1");
    expect((await testTargetConnection({ ctx, input: { targetId: t.id } })).ok).toBe(false);
    process.env[accessKeyIdVar] = KEY_ID;
    expect((await testTargetConnection({ ctx, input: { targetId: t.id } })).ok).toBe(true);
  });

  it("a missing environment variable: says which one", async () => {
    const { ctx, t, accessKeyIdVar } = await awsTarget(undefined);
    const out = await testTargetConnection({ ctx, input: { targetId: t.id } });
    expect(out).toMatchObject({ ok: false, requestIds: [] });
    expect(out.message).toBe(
      `environment variable ${accessKeyIdVar} is not set on the Elevate server (settings.credentials.accessKeyIdVar)`,
    );
  });

  it("an endpoint nobody listens on: could not reach", async () => {
    const { ctx } = await admin();
    const t = await connectTarget({
      ctx,
      input: {
        name: "aws-nowhere",
        cloud: "aws",
        adapter: "aws",
        externalId: "123456789012",
        settings: {
          endpoint: "http://127.0.0.1:9",
          credentials: { type: "env", accessKeyIdVar: envVar(KEY_ID), secretAccessKeyVar: envVar("s") },
        },
      },
    });
    const out = await testTargetConnection({ ctx, input: { targetId: t.id } });
    expect(out).toMatchObject({
      ok: false,
      message: "could not reach AWS: check the endpoint and the network",
    });
    // Nothing a port scan could use: no address, port or system error (lib/targets/__tests__/egress.test.ts).
    expect(out.message).not.toMatch(/127\.0\.0\.1|:9\b|ECONNREFUSED/);
  });

  it("GCP fake with an access token from the environment: ok; a rejected token: clear error", async () => {
    const { ctx } = await admin();
    const t = await connectTarget({
      ctx,
      input: {
        name: "gcp-fake",
        cloud: "gcp",
        adapter: "gcp",
        externalId: "acme-fake-1",
        settings: {
          endpoint: gcp.url,
          credentials: { type: "env-json", var: envVar("ya29.fake-access-token") },
        },
      },
    });
    const ok = await testTargetConnection({ ctx, input: { targetId: t.id } });
    expect(ok).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^OK: connected to project acme-fake-1/),
    });
    expect(ok.requestIds.length).toBeGreaterThan(0);
    // The fake accepts any bearer token; make it answer the way Google does to a revoked one.
    gcp.injectFault({ match: /./, status: 401, times: 10 });
    const bad = await testTargetConnection({ ctx, input: { targetId: t.id } });
    expect(bad).toMatchObject({
      ok: false,
      message: "credentials rejected by Google Cloud (401 UNAUTHENTICATED)",
    });
  });

  it("GCP with a malformed service-account JSON: says so without echoing it", async () => {
    const { ctx } = await admin();
    const v = envVar('{"type": "service_account", "private_key": "-----BEGIN');
    const t = await connectTarget({
      ctx,
      input: {
        name: "gcp-broken",
        cloud: "gcp",
        adapter: "gcp",
        externalId: "acme-fake-1",
        settings: { endpoint: gcp.url, credentials: { type: "env-json", var: v } },
      },
    });
    const out = await testTargetConnection({ ctx, input: { targetId: t.id } });
    expect(out.ok).toBe(false);
    expect(out.message).toMatch(new RegExp(`^environment variable ${v} does not hold valid JSON`));
    expect(out.message).not.toContain("BEGIN");
  });

  it("Azure fake over TLS with a token from the environment and the fake's CA: ok; then rejected", async () => {
    const { ctx } = await admin();
    const t = await connectTarget({
      ctx,
      input: {
        name: "azure-fake",
        cloud: "azure",
        adapter: "azure",
        externalId: randomUUID(),
        settings: {
          endpoint: azure.url,
          ca: azure.ca,
          pim: true,
          credentials: { type: "env-token", var: envVar("eyFakeArmToken") },
        },
      },
    });
    const ok = await testTargetConnection({ ctx, input: { targetId: t.id } });
    expect(ok).toMatchObject({ ok: true, message: expect.stringMatching(/^OK: connected to subscription/) });
    expect(ok.requestIds.length).toBeGreaterThan(0);
    azure.injectFault({ match: /./, status: 401, times: 10 });
    const bad = await testTargetConnection({ ctx, input: { targetId: t.id } });
    expect(bad).toMatchObject({
      ok: false,
      message: "credentials rejected by Azure (401 AuthenticationFailed)",
    });
  });

  it("Azure without the fake's CA: the certificate is not trusted, and settings.ca is named", async () => {
    const { ctx } = await admin();
    const t = await connectTarget({
      ctx,
      input: {
        name: "azure-no-ca",
        cloud: "azure",
        adapter: "azure",
        externalId: randomUUID(),
        settings: { endpoint: azure.url, credentials: { type: "env-token", var: envVar("tok") } },
      },
    });
    const out = await testTargetConnection({ ctx, input: { targetId: t.id } });
    expect(out.ok).toBe(false);
    expect(out.message).toMatch(
      /^Azure.s TLS certificate is not trusted \(self-signed certificate\): .*settings\.ca$/,
    );
  });

  it("the sandbox answers; forbidden without targets.manage; NotFound across organizations", async () => {
    const { org, ctx } = await admin();
    const out = await testTargetConnection({ ctx, input: { targetId: org.targets.gcp.id } });
    expect(out).toMatchObject({ ok: true, message: expect.stringMatching(/^OK: the sandbox answered/) });
    const requester = await userCtx(h.db, org.users.requester);
    await expect(
      testTargetConnection({ ctx: requester, input: { targetId: org.targets.gcp.id } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const other = await admin();
    await expect(
      testTargetConnection({ ctx: other.ctx, input: { targetId: org.targets.gcp.id } }),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});
