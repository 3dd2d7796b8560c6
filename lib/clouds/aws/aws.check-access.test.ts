import { randomUUID } from "node:crypto";
import { SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { checkRoleAccess, concreteArn, planSimulation } from "./check-access";
import { createIamClient } from "./config";
import { fakeAwsSetup, TEST_ACCOUNT, TEST_CREDENTIALS } from "./testing";

// The cloud's own check after bind (issue 14, point 6): IAM's SimulatePrincipalPolicy on the grant's role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
let setup: Awaited<ReturnType<typeof fakeAwsSetup>>;
beforeAll(async () => {
  setup = await fakeAwsSetup();
});
afterAll(() => setup.fake.stop());

const bucketSpec = () =>
  testRoleSpec({
    cloud: "aws",
    permissions: ["s3:GetObject", "s3:ListBucket", "s3:ListAllMyBuckets"],
    resource: "orders-reports",
    resourceKind: "bucket",
    accountId: TEST_ACCOUNT,
  });

/** ensureRole + bind the bucket-read role for a fresh grant, as provisioning does. */
async function boundGrant() {
  const { adapter, target } = setup;
  const spec = bucketSpec();
  await adapter.ensureRole(target, spec);
  const binding = { ...setup.binding(randomUUID()), roleName: spec.roleName };
  const { bindingId } = await adapter.bind(target, binding);
  return { spec, binding: { ...binding, bindingId } };
}

describe("AWS checkAccess: SimulatePrincipalPolicy on the grant's role", () => {
  it("through the real SDK against the fake: the named bucket's object ARN is allowed, a prefix sibling's is implicitDeny", async () => {
    const { binding } = await boundGrant();
    const iam = createIamClient({ endpoint: setup.fake.url, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${TEST_ACCOUNT}:role/elevate/${binding.orgId}/${binding.bindingId}`,
        ActionNames: ["s3:GetObject"],
        ResourceArns: ["arn:aws:s3:::orders-reports/q1.csv", "arn:aws:s3:::orders-reports-archive/q1.csv"],
      }),
    );
    expect(out.EvaluationResults?.map((r) => [r.EvalResourceName, r.EvalDecision])).toEqual([
      ["arn:aws:s3:::orders-reports/q1.csv", "allowed"],
      ["arn:aws:s3:::orders-reports-archive/q1.csv", "implicitDeny"],
    ]);
  });

  it("asks each action on its own statements' ARNs and keeps IAM's answers and request ids", async () => {
    const { spec, binding } = await boundGrant();
    const before = setup.fake.state.calls.length;
    const evidence = await setup.adapter.checkAccess?.(setup.target, binding, spec);
    expect(evidence).toMatchObject({
      checker: "aws:SimulatePrincipalPolicy",
      principal: `arn:aws:iam::${TEST_ACCOUNT}:role/elevate/${binding.orgId}/${binding.bindingId}`,
      permissions: 3,
    });
    expect(evidence?.checks).toEqual(
      expect.arrayContaining([
        {
          permission: "s3:GetObject",
          resource: "arn:aws:s3:::orders-reports/example",
          allowed: true,
          decision: "allowed",
        },
        {
          permission: "s3:ListBucket",
          resource: "arn:aws:s3:::orders-reports",
          allowed: true,
          decision: "allowed",
        },
        { permission: "s3:ListAllMyBuckets", resource: "*", allowed: true, decision: "allowed" },
      ]),
    );
    expect(evidence?.checks).toHaveLength(3);
    // GetRole for the role's ARN and id, then one simulation per distinct resource list.
    const calls = setup.fake.state.calls.slice(before);
    expect(calls.map((c) => c.action)).toEqual(["GetRole", ...Array(3).fill("SimulatePrincipalPolicy")]);
    expect(evidence?.requestIds).toEqual(calls.map((c) => c.requestId));
    // Simulated now, as the session the trust policy admits.
    const sim = calls[1].params;
    expect(sim["ContextEntries.member.1.ContextKeyName"]).toBe("aws:CurrentTime");
    expect(sim["ContextEntries.member.2.ContextKeyValues.member.1"]).toMatch(
      new RegExp(`^AROA\\w{17}:${binding.grantId}$`),
    );
  });

  it("reports the expiry Deny as IAM does once the role's expiry has passed", async () => {
    const { spec, binding } = await boundGrant();
    const client = createIamClient({
      endpoint: setup.fake.url,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    const later = { client, partition: "aws" as const, now: () => binding.notAfter.getTime() + 1000 };
    const evidence = await checkRoleAccess(later, setup.target, binding, spec);
    expect(evidence.checks.map((c) => c.decision)).toEqual(["explicitDeny", "explicitDeny", "explicitDeny"]);
  });

  it("fails as a classified CloudError when the role is gone (the caller stores it as an error)", async () => {
    const { spec, binding } = await boundGrant();
    await setup.adapter.unbind(setup.target, binding.bindingId);
    await expect(setup.adapter.checkAccess?.(setup.target, binding, spec)).rejects.toMatchObject({
      name: "CloudError",
      kind: "not_found",
    });
  });
});

describe("planSimulation", () => {
  it("groups actions by their statements' concrete ARNs; wildcard-only actions go on *", () => {
    const plan = planSimulation(bucketSpec(), { account: TEST_ACCOUNT, userid: "AROAX:g" });
    expect(plan).toEqual({
      region: "us-east-1",
      groups: [
        { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::orders-reports/example"] },
        { actions: ["s3:ListAllMyBuckets"], resources: ["*"] },
        { actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::orders-reports"] },
      ],
    });
  });

  it("fills a wildcard region and account, the session's aws:userid and Secrets Manager's six-character suffix", () => {
    const place = { region: "eu-west-1", account: TEST_ACCOUNT, userid: "AROAX:g" };
    expect(concreteArn("arn:aws:ssm:*:*:document/AWS-StartSSHSession", place)).toBe(
      `arn:aws:ssm:eu-west-1:${TEST_ACCOUNT}:document/AWS-StartSSHSession`,
    );
    expect(concreteArn(`arn:aws:ssm:*:${TEST_ACCOUNT}:session/\${aws:userid}-*`, place)).toBe(
      `arn:aws:ssm:eu-west-1:${TEST_ACCOUNT}:session/AROAX:g-example`,
    );
    expect(concreteArn(`arn:aws:secretsmanager:eu-west-1:${TEST_ACCOUNT}:secret:db-??????`, place)).toBe(
      `arn:aws:secretsmanager:eu-west-1:${TEST_ACCOUNT}:secret:db-xxxxxx`,
    );
  });

  it("simulates an SSH grant's StartSession on the instance and its documents, in the target's region", () => {
    const spec = testRoleSpec({
      cloud: "aws",
      permissions: ["ssm:StartSession"],
      resource: "i-0abcd1234ef567890",
      resourceKind: "instance",
      accountId: TEST_ACCOUNT,
    });
    const [group] = planSimulation(spec, { account: TEST_ACCOUNT, userid: "AROAX:g" }).groups;
    expect(group.resources).toContain(`arn:aws:ec2:us-east-1:${TEST_ACCOUNT}:instance/i-0abcd1234ef567890`);
  });
});
