import { randomUUID } from "node:crypto";
import { startFakeIam } from "@/lib/clouds/fakes/aws-iam";
import type { BindingSpec, TargetRow } from "@/lib/clouds/port";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { targetRow } from "@/lib/testing/target-row";
import { awsAdapter } from "./adapter";
import type { AwsAdapterConfig } from "./config";

export const TEST_ACCOUNT = "123456789012";
export const TEST_PRINCIPAL = `arn:aws:iam::${TEST_ACCOUNT}:user/requester`;
export const TEST_CREDENTIALS = { accessKeyId: "AKIAELEVATETEST00001", secretAccessKey: "not-a-secret" };

/** A TargetRow as the targets table would hold it; no database is needed to drive the adapter. */
export function awsTarget(overrides: Partial<TargetRow> = {}): TargetRow {
  return { ...targetRow("aws", { name: "aws-test", externalId: TEST_ACCOUNT }), ...overrides };
}

/** A fake IAM plus an adapter pointed at it, and builders for specs and bindings. */
export async function fakeAwsSetup(config: Partial<AwsAdapterConfig> = {}) {
  const fake = await startFakeIam({
    accountId: TEST_ACCOUNT,
    accessKeyId: TEST_CREDENTIALS.accessKeyId,
    principals: [TEST_PRINCIPAL],
  });
  const adapter = awsAdapter({
    endpoint: fake.url,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    ...config,
  });
  const target = awsTarget();
  const spec = (permissions = ["logs:GetLogEvents", "logs:DescribeLogGroups"]) =>
    testRoleSpec({ cloud: "aws", permissions, resource: null, accountId: TEST_ACCOUNT });
  const binding = (grantId = randomUUID(), minutes = 30): BindingSpec => ({
    grantId,
    orgId: target.orgId,
    roleName: spec().roleName,
    principal: TEST_PRINCIPAL,
    notAfter: new Date(Date.now() + minutes * 60_000),
  });
  /** Actions the fake received since `from` (an index into its call log). */
  const actionsSince = (from: number) => fake.state.calls.slice(from).map((c) => c.action);
  return { fake, adapter, target, spec, binding, actionsSince };
}

/**
 * One fake per test, stopped after it: returns `setup()` for the test to call. Register the returned
 * `stopAll` with vitest's afterEach.
 */
export function fakeAwsPerTest(): {
  setup: () => ReturnType<typeof fakeAwsSetup>;
  stopAll: () => Promise<void>;
} {
  const open: Awaited<ReturnType<typeof fakeAwsSetup>>[] = [];
  return {
    setup: async () => {
      const s = await fakeAwsSetup();
      open.push(s);
      return s;
    },
    stopAll: async () => {
      await Promise.all(open.splice(0).map((s) => s.fake.stop()));
    },
  };
}
