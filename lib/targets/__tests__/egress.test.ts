import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, targets } from "@/db/schema";
import { type FakeIam, startFakeIam } from "@/lib/clouds/fakes/aws-iam";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { resetEnv } from "@/lib/env";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { connectTarget, testTargetConnection, updateTarget } from "..";

// Issue 10, point 2: a target must not turn the server into a way to send its secrets, or its ambient
// credentials, to any host an admin names, nor into a port scanner.

const KEY_ID = "AKIAELEVATEEGRESS001";

let h: DbHandle;
let iam: FakeIam;
let gcp: FakeGcp;
const vars: string[] = [];

beforeAll(async () => {
  [h, iam, gcp] = await Promise.all([
    openTestDb(),
    startFakeIam({ accountId: "123456789012", accessKeyId: KEY_ID }),
    startFakeGcp(),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.close(), iam?.stop(), gcp?.stop()]);
});
afterEach(() => {
  for (const v of vars.splice(0)) delete process.env[v];
});

/** A variable under the test prefix holding `value` (vitest.config.ts allows ELEVATE_TEST_ names). */
function envVar(value: string): string {
  const name = `ELEVATE_TEST_${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`;
  vars.push(name);
  process.env[name] = value;
  return name;
}

/** Runs `fn` with these variables set (undefined: unset), then restores them. */
async function withEnv<T>(over: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(over).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnv();
  };
  apply(over);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

const NO_ALLOWLIST = { ELEVATE_ENDPOINT_ALLOWLIST: undefined };

async function admin() {
  const org = await createTestOrg(h.db);
  return { org, ctx: await userCtx(h.db, org.users.admin) };
}

const awsKeys = () => ({ type: "env", accessKeyIdVar: envVar(KEY_ID), secretAccessKeyVar: envVar("s3cr3t") });

const input = (cloud: "aws" | "gcp" | "azure", settings: Record<string, unknown>) => ({
  name: `t-${randomUUID().slice(0, 8)}`,
  cloud,
  adapter: cloud,
  externalId: cloud === "aws" ? "123456789012" : cloud === "gcp" ? "acme-egress-1" : randomUUID(),
  settings,
});

const credentialsFor = (cloud: "aws" | "gcp" | "azure") =>
  cloud === "aws"
    ? awsKeys()
    : cloud === "gcp"
      ? { type: "env-json", var: envVar("ya29.fake") }
      : { type: "env-token", var: envVar("eyFake") };

/** A loopback port nobody listens on: bound once by us, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("endpoints: official hosts, or what the operator allowlisted", () => {
  it("refuses metadata, loopback, private and link-local addresses and other hosts, naming settings.endpoint", async () => {
    const { org, ctx } = await admin();
    const refused: ["aws" | "gcp" | "azure", string][] = [
      ["aws", "https://169.254.169.254"],
      ["aws", "https://169.254.169.254/latest/meta-data/iam/security-credentials/"],
      ["gcp", "https://169.254.169.254"],
      ["aws", "http://127.0.0.1:9"],
      ["azure", "https://127.0.0.1:8443"],
      ["aws", "https://10.0.0.1"],
      ["gcp", "https://10.0.0.1"],
      ["azure", "https://172.16.5.4"],
      ["aws", "https://192.168.1.1"],
      ["aws", "https://0.0.0.0"],
      ["aws", "https://[::1]:8443"],
      ["aws", "https://[fd00:ec2::254]"],
      ["aws", "https://[::ffff:169.254.169.254]"],
      ["aws", "https://metadata.google.internal"],
      ["aws", "https://iam.example.com"],
      ["aws", "https://iam.amazonaws.com.evil.example"],
      ["aws", "https://iam.amazonaws.com:8443"],
      ["aws", "https://user:pass@iam.amazonaws.com"],
      ["gcp", "https://evil.example"],
      ["azure", "https://management.azure.com.evil.example"],
      // Another cloud's official host is not this cloud's.
      ["aws", "https://management.azure.com"],
    ];
    await withEnv(NO_ALLOWLIST, async () => {
      for (const [cloud, endpoint] of refused) {
        await expect(
          connectTarget({ ctx, input: input(cloud, { endpoint, credentials: credentialsFor(cloud) }) }),
          `${cloud} ${endpoint}`,
        ).rejects.toMatchObject({ code: "validation", field: "settings.endpoint" });
      }
      // Updates are held to the same rule.
      const ok = await connectTarget({ ctx, input: input("aws", { credentials: awsKeys() }) });
      await expect(
        updateTarget({
          ctx,
          input: {
            targetId: ok.id,
            settings: { endpoint: "https://169.254.169.254", credentials: awsKeys() },
          },
        }),
      ).rejects.toMatchObject({ code: "validation", field: "settings.endpoint" });
    });
    const rows = await h.db.select().from(targets).where(eq(targets.orgId, org.org.id));
    expect(rows.filter((r) => r.adapter !== "sandbox")).toHaveLength(1);
  });

  it("accepts the clouds' official hosts without any allowlist", async () => {
    const { ctx } = await admin();
    const official: ["aws" | "gcp" | "azure", string][] = [
      ["aws", "https://iam.amazonaws.com"],
      ["aws", "https://iam.us-gov.amazonaws.com/"],
      ["aws", "https://iam.cn-north-1.amazonaws.com.cn"],
      ["gcp", "https://iam.googleapis.com"],
      ["gcp", "https://cloudresourcemanager.googleapis.com"],
      ["azure", "https://management.azure.com"],
      ["azure", "https://management.usgovcloudapi.net"],
    ];
    await withEnv(NO_ALLOWLIST, async () => {
      for (const [cloud, endpoint] of official) {
        await expect(
          connectTarget({ ctx, input: input(cloud, { endpoint, credentials: credentialsFor(cloud) }) }),
        ).resolves.toMatchObject({ settings: { endpoint } });
      }
    });
  });

  it("takes loopback fakes only from the allowlist, exactly, and never metadata addresses", async () => {
    const { ctx } = await admin();
    const connect = (endpoint: string) =>
      connectTarget({ ctx, input: input("aws", { endpoint, credentials: awsKeys() }) });
    await withEnv(
      { ELEVATE_ENDPOINT_ALLOWLIST: "http://127.0.0.1:*, https://169.254.169.254, https://10.0.0.1:8443" },
      async () => {
        await expect(connect("http://127.0.0.1:9")).resolves.toBeDefined();
        await expect(connect("https://10.0.0.1:8443")).resolves.toBeDefined();
        // Exact origins: another port, host or scheme is not allowed.
        await expect(connect("https://10.0.0.1")).rejects.toMatchObject({ field: "settings.endpoint" });
        await expect(connect("http://127.0.0.2:9")).rejects.toMatchObject({ field: "settings.endpoint" });
        await expect(connect("https://127.0.0.1:9")).rejects.toMatchObject({ field: "settings.endpoint" });
        // A metadata address stays refused even when listed.
        await expect(connect("https://169.254.169.254")).rejects.toMatchObject({
          field: "settings.endpoint",
          message: expect.stringMatching(/metadata/),
        });
      },
    );
  });

  it("ignores the allowlist in production unless the operator opts in", async () => {
    const { ctx } = await admin();
    const connect = () =>
      connectTarget({ ctx, input: input("aws", { endpoint: "http://127.0.0.1:9", credentials: awsKeys() }) });
    const production = {
      NODE_ENV: "production",
      NEXTAUTH_SECRET: "egress-test-secret-0123456789abcdef",
      NEXTAUTH_URL: "https://elevate.example.com",
      ELEVATE_ENDPOINT_ALLOWLIST: "http://127.0.0.1:*",
    };
    await withEnv(production, async () => {
      await expect(connect()).rejects.toMatchObject({ field: "settings.endpoint" });
    });
    await withEnv({ ...production, ELEVATE_ALLOW_ENDPOINT_OVERRIDE_IN_PRODUCTION: "1" }, async () => {
      await expect(connect()).resolves.toBeDefined();
    });
  });
});

describe("credential variables: only under the operator's prefix", () => {
  it("refuses DATABASE_URL, NEXTAUTH_SECRET, PATH and any name outside the prefix, naming the field", async () => {
    const { ctx } = await admin();
    for (const name of ["DATABASE_URL", "NEXTAUTH_SECRET", "PATH", "HOME", "AWS_SECRET_ACCESS_KEY"]) {
      await expect(
        connectTarget({ ctx, input: input("aws", { credentials: { ...awsKeys(), accessKeyIdVar: name } }) }),
        name,
      ).rejects.toMatchObject({ code: "validation", field: "settings.credentials.accessKeyIdVar" });
      await expect(
        connectTarget({ ctx, input: input("aws", { credentials: { ...awsKeys(), sessionTokenVar: name } }) }),
        name,
      ).rejects.toMatchObject({ code: "validation", field: "settings.credentials.sessionTokenVar" });
      await expect(
        connectTarget({ ctx, input: input("gcp", { credentials: { type: "env-json", var: name } }) }),
        name,
      ).rejects.toMatchObject({ code: "validation", field: "settings.credentials.var" });
      await expect(
        connectTarget({ ctx, input: input("azure", { credentials: { type: "env-token", var: name } }) }),
        name,
      ).rejects.toMatchObject({ code: "validation", field: "settings.credentials.var" });
    }
  });

  it("defaults to ELEVATE_CLOUD_ when the operator sets no prefix", async () => {
    const { ctx } = await admin();
    await withEnv({ ELEVATE_CLOUD_CREDENTIAL_PREFIX: undefined }, async () => {
      await expect(
        connectTarget({
          ctx,
          input: input("azure", { credentials: { type: "env-token", var: "ACME_ARM_TOKEN" } }),
        }),
      ).rejects.toMatchObject({
        field: "settings.credentials.var",
        message: expect.stringMatching(/must start with ELEVATE_CLOUD_/),
      });
      await expect(
        connectTarget({
          ctx,
          input: input("azure", { credentials: { type: "env-token", var: "ELEVATE_CLOUD_ARM_TOKEN" } }),
        }),
      ).resolves.toMatchObject({ settings: { credentials: { var: "ELEVATE_CLOUD_ARM_TOKEN" } } });
      // The prefix alone, and Elevate's own setting under it, are not credentials.
      for (const name of ["ELEVATE_CLOUD_", "ELEVATE_CLOUD_CREDENTIAL_PREFIX"]) {
        await expect(
          connectTarget({ ctx, input: input("azure", { credentials: { type: "env-token", var: name } }) }),
          name,
        ).rejects.toMatchObject({ field: "settings.credentials.var" });
      }
    });
  });
});

describe("ambient credentials: only towards the official endpoints", () => {
  it("refuses default credentials with a non-official (even allowlisted) endpoint, naming settings.credentials", async () => {
    const { ctx } = await admin();
    for (const [cloud, endpoint] of [
      ["aws", iam.url],
      ["gcp", gcp.url],
    ] as const) {
      await expect(
        connectTarget({ ctx, input: input(cloud, { endpoint, credentials: { type: "default" } }) }),
        cloud,
      ).rejects.toMatchObject({
        code: "validation",
        field: "settings.credentials",
        message: expect.stringMatching(/default credentials .* only to the official/),
      });
    }
    await expect(
      connectTarget({
        ctx,
        input: input("aws", { endpoint: "https://iam.amazonaws.com", credentials: { type: "default" } }),
      }),
    ).resolves.toBeDefined();
    await expect(
      connectTarget({ ctx, input: input("gcp", { credentials: { type: "default" } }) }),
    ).resolves.toBeDefined();
  });
});

describe("rows saved under older rules are refused when used, before any request", () => {
  it("a stored metadata endpoint, ambient credentials towards a fake, a variable outside the prefix", async () => {
    const { ctx } = await admin();
    const t = await connectTarget({
      ctx,
      input: input("aws", { endpoint: iam.url, credentials: awsKeys() }),
    });
    const stale: [Record<string, unknown>, RegExp][] = [
      [{ endpoint: "https://169.254.169.254", credentials: awsKeys() }, /settings\.endpoint: .*metadata/],
      [{ endpoint: iam.url, credentials: { type: "default" } }, /settings\.credentials: default credentials/],
      [
        { endpoint: iam.url, credentials: { ...awsKeys(), secretAccessKeyVar: "PATH" } },
        /settings\.credentials\.secretAccessKeyVar: must start with/,
      ],
    ];
    for (const [settings, message] of stale) {
      await h.db.update(targets).set({ settings }).where(eq(targets.id, t.id));
      const before = iam.state.calls.length;
      const out = await testTargetConnection({ ctx, input: { targetId: t.id } });
      expect(out, JSON.stringify(settings)).toMatchObject({
        ok: false,
        message: expect.stringMatching(message),
      });
      expect(iam.state.calls.length).toBe(before);
    }
    // The allowlist is read at each use too: withdrawn, the fake is no longer called.
    await h.db
      .update(targets)
      .set({ settings: { endpoint: iam.url, credentials: awsKeys() } })
      .where(eq(targets.id, t.id));
    expect((await testTargetConnection({ ctx, input: { targetId: t.id } })).ok).toBe(true);
    await withEnv(NO_ALLOWLIST, async () => {
      const before = iam.state.calls.length;
      const out = await testTargetConnection({ ctx, input: { targetId: t.id } });
      expect(out).toMatchObject({
        ok: false,
        message: expect.stringMatching(/settings\.endpoint: points at a loopback/),
      });
      expect(iam.state.calls.length).toBe(before);
    });
  });
});

describe("connection errors say nothing about the network", () => {
  it("a closed (allowlisted) loopback port: no address, port or system error, in the answer or the audit", async () => {
    const { org, ctx } = await admin();
    const port = await closedPort();
    const cases = [
      ["aws", `http://127.0.0.1:${port}`, "AWS"],
      ["gcp", `http://127.0.0.1:${port}`, "Google Cloud"],
      ["azure", `https://127.0.0.1:${port}`, "Azure"],
    ] as const;
    for (const [cloud, endpoint, name] of cases) {
      const t = await connectTarget({
        ctx,
        input: input(cloud, { endpoint, credentials: credentialsFor(cloud) }),
      });
      const out = await testTargetConnection({ ctx, input: { targetId: t.id } });
      expect(out, cloud).toMatchObject({
        ok: false,
        message: `could not reach ${name}: check the endpoint and the network`,
      });
      const [audit] = await h.db
        .select()
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.orgId, org.org.id),
            eq(auditEvents.action, "target.tested"),
            eq(auditEvents.subjectId, t.id),
          ),
        );
      for (const text of [out.message, JSON.stringify(audit.data)]) {
        expect(text).not.toContain("127.0.0.1");
        expect(text).not.toContain(String(port));
        expect(text).not.toMatch(/ECONN|EHOST|ENOTFOUND|ETIMEDOUT|fetch failed/);
      }
    }
  }, 60_000);
});
