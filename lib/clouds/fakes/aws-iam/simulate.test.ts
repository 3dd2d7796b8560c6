import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  type IAMClient,
  PutRolePolicyCommand,
  paginateSimulatePrincipalPolicy,
  SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeIam } from "./index";
import { errorCode, fakeIamClient, trustDoc } from "./testing";

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
// and its result type https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html
const ACCOUNT = "123456789012";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/reader`;
const BUCKET = "arn:aws:s3:::orders-reports";
const OBJECT = `${BUCKET}/2030/01/report.csv`;
const SIBLING_OBJECT = "arn:aws:s3:::orders-reports-archive/2030/01/report.csv";
const EXPIRY = "2030-01-01T00:00:00Z";

let fake: FakeIam;
let iam: IAMClient;
beforeAll(async () => {
  ({ fake, iam } = await fakeIamClient());
  await iam.send(new CreateRoleCommand({ RoleName: "reader", AssumeRolePolicyDocument: trustDoc() }));
  const managed = await iam.send(
    new CreatePolicyCommand({
      PolicyName: "bucket-read",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["s3:ListBucket"], Resource: [BUCKET] },
          { Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${BUCKET}/*`] },
        ],
      }),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: "reader", PolicyArn: managed.Policy?.Arn }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: "reader",
      PolicyName: "expiry",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Deny",
            Action: "*",
            Resource: "*",
            Condition: { DateGreaterThanEquals: { "aws:CurrentTime": EXPIRY } },
          },
        ],
      }),
    }),
  );
});
afterAll(() => fake.stop());

const at = (time: string) => [
  { ContextKeyName: "aws:CurrentTime", ContextKeyType: "date" as const, ContextKeyValues: [time] },
];
const simulate = (input: { actions: string[]; resources?: string[]; time?: string; source?: string }) =>
  iam.send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: input.source ?? ROLE_ARN,
      ActionNames: input.actions,
      ResourceArns: input.resources,
      ContextEntries: at(input.time ?? "2029-12-31T00:00:00Z"),
    }),
  );
const decisions = (out: Awaited<ReturnType<typeof simulate>>) =>
  (out.EvaluationResults ?? []).map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision]);

describe("fake IAM: SimulatePrincipalPolicy (API_SimulatePrincipalPolicy.html)", () => {
  it("evaluates the role's attached managed and inline policies: each action on each resource, allowed or implicitDeny", async () => {
    const out = await simulate({
      actions: ["s3:GetObject", "s3:ListBucket"],
      resources: [OBJECT, SIBLING_OBJECT],
    });
    expect(decisions(out)).toEqual([
      ["s3:GetObject", OBJECT, "allowed"],
      ["s3:GetObject", SIBLING_OBJECT, "implicitDeny"],
      ["s3:ListBucket", OBJECT, "implicitDeny"],
      ["s3:ListBucket", SIBLING_OBJECT, "implicitDeny"],
    ]);
    expect(out.IsTruncated).toBe(false);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("an explicit Deny wins: at the supplied aws:CurrentTime the inline expiry Deny answers explicitDeny", async () => {
    const out = await simulate({ actions: ["s3:GetObject"], resources: [OBJECT], time: EXPIRY });
    expect(decisions(out)).toEqual([["s3:GetObject", OBJECT, "explicitDeny"]]);
  });

  it('without ResourceArns the resource is "*" (the page: the default is all resources)', async () => {
    const out = await simulate({ actions: ["s3:GetObject"] });
    // `*` as the request resource is not matched by the bucket's ARN pattern.
    expect(decisions(out)).toEqual([["s3:GetObject", "*", "implicitDeny"]]);
  });

  it("pages results with MaxItems and Marker", async () => {
    const pages = paginateSimulatePrincipalPolicy(
      { client: iam, pageSize: 1 },
      {
        PolicySourceArn: ROLE_ARN,
        ActionNames: ["s3:GetObject", "s3:ListBucket"],
        ResourceArns: [OBJECT],
        ContextEntries: at("2029-12-31T00:00:00Z"),
      },
    );
    const seen: string[] = [];
    for await (const p of pages) seen.push(...(p.EvaluationResults ?? []).map((r) => r.EvalDecision ?? ""));
    expect(seen).toEqual(["allowed", "implicitDeny"]);
  });

  it("refuses a policy source that does not exist (NoSuchEntity) and action names with wildcards or no service", async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:role/nobody`;
    expect(await errorCode(simulate({ actions: ["s3:GetObject"], source: missing }))).toBe("NoSuchEntity");
    // "This operation does not support using wildcards (*) in an action name."
    expect(await errorCode(simulate({ actions: ["s3:Get*"] }))).toBe("InvalidInput");
    // "Each operation must include the service identifier, such as iam:CreateUser."
    expect(await errorCode(simulate({ actions: ["GetObject"] }))).toBe("InvalidInput");
  });
});
