import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AwsDecision,
  type AwsPolicyDocument,
  type AwsRequest,
  evaluateAws,
  evaluateTrust,
} from "./aws-eval";

// Examples are taken from (or modelled on) the AWS IAM User Guide; each block cites its page.
const DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide";
const T0 = new Date("2026-03-01T12:00:00Z");
const [A, I, D] = ["allow", "implicit-deny", "explicit-deny"] as const;
type Want = AwsDecision["decision"];
type Ctx = AwsRequest["context"];

const pol = (...Statement: object[]): AwsPolicyDocument => ({ Version: "2012-10-17", Statement });
const stmt =
  (Effect: string) =>
  (Action: unknown, Resource: unknown, more: object = {}) => ({
    ...{ Effect, Action, Resource },
    ...more,
  });
const [allow, deny] = [stmt("Allow"), stmt("Deny")];
type Extra = Partial<AwsRequest>;
const req = (action: string, resource: string, x: Extra = {}): AwsRequest => ({
  action,
  resource,
  time: T0,
  ...x,
});
const decision = (p: AwsPolicyDocument | AwsPolicyDocument[], r: AwsRequest) =>
  evaluateAws(Array.isArray(p) ? p : [p], r).decision;
/** Each case: [action, resource, expected decision, request extras]. */
const check = (p: AwsPolicyDocument | AwsPolicyDocument[], cases: [string, string, Want, Extra?][]) => {
  for (const [action, resource, want, extra] of cases)
    expect(decision(p, req(action, resource, extra)), `${action} on ${resource}`).toBe(want);
};
/** `${…}` in a policy string, spelled so that no template literal is mistaken for one. */
const iamVar = (inner: string) => `$\{${inner}}`;
const at = (iso: string) => ({ time: new Date(iso) });

describe(`Resource matching (${DOCS}/reference_policies_elements_resource.html)`, () => {
  const bucket = "arn:aws:s3:::amzn-s3-demo-bucket";
  it("keeps S3 bucket and object ARNs apart", () => {
    const p = pol(allow("s3:ListBucket", bucket), allow("s3:GetObject", `${bucket}/*`));
    check(p, [
      ["s3:ListBucket", bucket, A],
      ["s3:GetObject", `${bucket}/a/b.txt`, A],
      ["s3:GetObject", bucket, I],
      ["s3:ListBucket", `${bucket}/a`, I],
    ]);
  });
  it("does not let bucket/* reach a bucket whose name merely starts the same", () => {
    check(pol(allow("s3:GetObject", "arn:aws:s3:::orders-reports/*")), [
      ["s3:GetObject", "arn:aws:s3:::orders-reports/2024/q1.csv", A],
      ["s3:GetObject", "arn:aws:s3:::orders-reports-archive/x", I],
    ]);
  });
  it("expands * across / inside the resource part (the amzn-s3-demo-bucket/*/test/* example)", () => {
    const p = pol(allow("s3:GetObject", `${bucket}/*/test/*`));
    for (const key of [
      "1/test/object.jpg",
      "1/2/test/3/object.jpg",
      "1///test///object.jpg",
      "/test/o.jpg",
      "1/test/",
    ])
      check(p, [["s3:GetObject", `${bucket}/${key}`, A]]);
    for (const key of ["1-test/object.jpg", "test/object.jpg", "1/2/test.jpg"])
      check(p, [["s3:GetObject", `${bucket}/${key}`, I]]);
  });
  it("matches partition, service, region and account one segment at a time", () => {
    check(pol(allow("ec2:StopInstances", "arn:aws:ec2:*:123456789012:instance/i-0abc*")), [
      ["ec2:StopInstances", "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc123", A],
      ["ec2:StopInstances", "arn:aws:ec2:eu-west-1:999999999999:instance/i-0abc123", I],
      // A whole-string glob would let the region `*` swallow "us-east-1:999999999999:x"; segments stop it.
      ["ec2:StopInstances", "arn:aws:ec2:us-east-1:999999999999:x:123456789012:instance/i-0abc1", I],
    ]);
  });
  it("is case-sensitive for ARNs (the IAM user name note)", () => {
    check(pol(allow("iam:GetUser", "arn:aws:iam::123456789012:user/Bob")), [
      ["iam:GetUser", "arn:aws:iam::123456789012:user/Bob", A],
      ["iam:GetUser", "arn:aws:iam::123456789012:user/bob", I],
    ]);
  });
  it("does not match S3's empty region/account with a literal account (arn:aws:*:*:ACCOUNT:*)", () => {
    check(pol(allow("*", "arn:aws:*:*:123456789012:*")), [
      ["s3:GetObject", "arn:aws:s3:::bucket/key", I],
      ["sqs:SendMessage", "arn:aws:sqs:us-east-2:123456789012:queue1", A],
    ]);
  });
  it("matches CloudWatch Logs log-group:NAME:* and Secrets Manager name-?????? resources", () => {
    const group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x";
    check(pol(allow("logs:PutLogEvents", `${group}:*`)), [
      ["logs:PutLogEvents", `${group}:log-stream:2026/03/01/[$LATEST]ab`, A],
      ["logs:PutLogEvents", `${group}-other:log-stream:s`, I],
      ["logs:PutLogEvents", group, I],
    ]);
    const secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";
    check(
      pol(
        allow("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:123456789012:secret:prod/db-??????"),
      ),
      [
        ["secretsmanager:GetSecretValue", secret, A],
        ["secretsmanager:GetSecretValue", `${secret}X`, I],
      ],
    );
  });
  it("lets a truncated ARN's trailing * run past colons, as the page describes", () => {
    check(pol(allow("*", "arn:aws:ec2:*")), [
      ["ec2:StopInstances", "arn:aws:ec2:us-east-1:123456789012:instance/i-1", A],
      ["s3:GetObject", "arn:aws:s3:::b/k", I],
    ]);
  });
  it("grants wildcard-only actions (no resource type) only through Resource *", () => {
    check(pol(allow("s3:ListAllMyBuckets", "*")), [["s3:ListAllMyBuckets", "*", A]]);
    check(pol(allow("s3:ListAllMyBuckets", "arn:aws:s3:::*")), [["s3:ListAllMyBuckets", "*", I]]);
  });
  it(`substitutes \${aws:username} (${DOCS}/reference_policies_variables.html)`, () => {
    const home = (user: string) => pol(allow("s3:*", `${bucket}/home/${iamVar(user)}/*`));
    const alice = (context?: Ctx) => req("s3:GetObject", `${bucket}/home/alice/f`, { context });
    expect(decision(home("aws:username"), alice({ "aws:username": "alice" }))).toBe(A);
    expect(decision(home("aws:username"), alice({ "aws:username": "bob" }))).toBe(I);
    expect(decision(home("aws:username"), alice())).toBe(I); // no value: the entry matches nothing
    expect(decision(home("aws:username, 'alice'"), alice())).toBe(A);
    // Without Version 2012-10-17 the variable is literal text.
    expect(decision({ Statement: home("aws:username").Statement }, alice({ "aws:username": "alice" }))).toBe(
      I,
    );
  });
});

describe(`Action / NotAction / NotResource (${DOCS}/reference_policies_elements_action.html)`, () => {
  it("matches actions case-insensitively, with wildcards and hyphenated names", () => {
    check(pol(allow(["S3:get*", "vpc-lattice:AssociateViaAWSService-*", "ec2:Describe?nstances"], "*")), [
      ["s3:GetObject", "*", A],
      ["vpc-lattice:AssociateViaAWSService-EventsAndStates", "*", A],
      ["EC2:DESCRIBEINSTANCES", "*", A],
      ["s3:PutObject", "*", I],
    ]);
  });
  it(`allows everything but IAM with NotAction (${DOCS}/reference_policies_elements_notaction.html)`, () => {
    check(pol(allow(undefined, "*", { NotAction: "iam:*" })), [
      ["s3:GetObject", "*", A],
      ["iam:CreateUser", "*", I],
    ]);
  });
  it("denies all but IAM without MFA (NotAction + BoolIfExists)", () => {
    const mfa = { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } };
    check(pol(allow("*", "*"), deny(undefined, "*", { NotAction: "iam:*", Condition: mfa })), [
      ["s3:GetObject", "*", D], // key absent: IfExists is true
      ["s3:GetObject", "*", A, { context: { "aws:MultiFactorAuthPresent": "true" } }],
      ["iam:ListUsers", "*", A],
    ]);
  });
  it(`denies S3 outside the payroll paths with NotResource (${DOCS}/reference_policies_elements_notresource.html)`, () => {
    const payroll = ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"];
    check(pol(allow("s3:*", "*"), deny("s3:*", undefined, { NotResource: payroll })), [
      ["s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/jan.csv", A],
      ["s3:GetObject", "arn:aws:s3:::HRBucket/Other", D],
    ]);
  });
  it("ignores malformed statements and says why", () => {
    const r = evaluateAws(
      [pol({ Effect: "allow", Action: "*", Resource: "*" }, { Effect: "Allow", Action: "*" })],
      req("s3:X", "*"),
    );
    expect(r).toEqual({
      decision: I,
      statements: [],
      ignored: ["0: Effect must be Allow or Deny", "1: neither Resource nor NotResource"],
    });
  });
});

describe(`Explicit deny and dates (${DOCS}/reference_policies_evaluation-logic.html)`, () => {
  it("denies at and after expiry, allows just before (DateGreaterThanEquals on aws:CurrentTime)", () => {
    const expired = { DateGreaterThanEquals: { "aws:CurrentTime": "2026-03-01T12:00:00Z" } };
    const grant = [
      pol(allow("s3:*", "*", { Sid: "Grant" })),
      pol(deny("*", "*", { Sid: "Expired", Condition: expired })),
    ];
    const when = (iso: string) => evaluateAws(grant, req("s3:GetObject", "*", at(iso)));
    expect(when("2026-03-01T11:59:59.999Z")).toEqual({ decision: A, statements: ["Grant"] });
    expect(when("2026-03-01T12:00:00Z")).toEqual({ decision: D, statements: ["Expired"] });
    expect(when("2027-01-01T00:00:00Z").decision).toBe(D);
  });
  it(`allows before a DateLessThan bound only (${DOCS}/reference_policies_examples_aws-dates.html)`, () => {
    for (const bound of ["2026-03-01T12:00:00Z", 1772366400]) // ISO 8601 or epoch seconds
      check(pol(allow("s3:GetObject", "*", { Condition: { DateLessThan: { "aws:CurrentTime": bound } } })), [
        ["s3:GetObject", "*", A, at("2026-03-01T11:00:00Z")],
        ["s3:GetObject", "*", I, at("2026-03-01T12:00:00Z")],
      ]);
  });
  it(`revokes sessions issued before a time (${DOCS}/id_roles_use_revoke-sessions.html)`, () => {
    const revoke = { DateLessThan: { "aws:TokenIssueTime": "2026-03-01T10:00:00Z" } };
    const issued = (iso: string) => ({ context: { "aws:TokenIssueTime": iso } });
    check(
      [pol(allow("*", "*")), pol(deny(["*"], ["*"], { Condition: revoke }))],
      [
        ["ec2:StopInstances", "*", D, issued("2026-03-01T09:59:00Z")],
        ["ec2:StopInstances", "*", A, issued("2026-03-01T10:00:00Z")],
        ["ec2:StopInstances", "*", A], // long-term keys carry no TokenIssueTime: the Deny does not apply
      ],
    );
  });
  it("labels statements by Sid, else policy/index", () => {
    const r = evaluateAws(
      [pol(allow("*", "*")), pol(allow("*", "*"), allow("*", "*", { Sid: "S" }))],
      req("a:b", "*"),
    );
    expect(r.statements).toEqual(["0/0", "1/0", "S"]);
  });
});

const cond = (Condition: object, context: Ctx = {}) =>
  decision(pol(allow("*", "*", { Condition })), req("s3:GetObject", "*", { context }));

describe(`Conditions (${DOCS}/reference_policies_condition-logic-multiple-context-keys-or-values.html)`, () => {
  it("ORs values, ANDs keys and operators, treats key names case-insensitively", () => {
    const c = { StringEquals: { "aws:PrincipalTag/dept": ["eng", "ops"], "aws:PrincipalTag/role": "dev" } };
    const tags = { "aws:principaltag/DEPT": "ops", "aws:PrincipalTag/role": "dev" };
    expect(cond(c, tags)).toBe(A);
    expect(cond(c, { "aws:PrincipalTag/dept": "ops" })).toBe(I);
    const arn = { ...tags, "aws:PrincipalArn": "arn:aws:iam::111122223333:role/Other" };
    expect(cond({ ...c, ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Ops*" } }, arn)).toBe(I);
  });
  it("evaluates negated operators as NOR, and true on a missing key", () => {
    const c = { StringNotEquals: { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] } };
    expect(cond(c, { "aws:RequestedRegion": "ap-south-1" })).toBe(A);
    expect(cond(c, { "aws:RequestedRegion": "eu-west-1" })).toBe(I);
    expect(cond(c)).toBe(A);
    expect(cond({ StringEquals: { "aws:RequestedRegion": "us-east-1" } })).toBe(I);
  });
  it(`supports string, ARN, numeric and Bool operators (${DOCS}/reference_policies_elements_condition_operators.html)`, () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:t";
    const cases: [string, string, unknown, string, Want][] = [
      ["StringLike", "s3:prefix", "home/*", "home/a", A],
      ["StringNotLike", "s3:prefix", "home/*", "home/a", I],
      ["StringEqualsIgnoreCase", "aws:username", "john", "John", A],
      ["StringEquals", "aws:username", "john", "John", I],
      ["StringEquals", "aws:username", "jo*", "john", I], // no wildcards in StringEquals
      ["ArnEquals", "aws:SourceArn", "arn:aws:sns:*:123456789012:t", topic, A],
      ["ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:*:t", topic, I],
      ["NumericLessThanEquals", "s3:max-keys", "10", "10", A],
      ["NumericGreaterThan", "s3:max-keys", 10, "10", I],
      ["Bool", "aws:SecureTransport", true, "true", A],
      ["Bool", "aws:SecureTransport", "true", "false", I],
      ["StringEqualsIfExists", "ec2:InstanceType", "t3.micro", "m5.large", I],
      ["Null", "aws:TokenIssueTime", "false", "2026-01-01T00:00:00Z", A],
    ];
    for (const [op, key, value, actual, want] of cases)
      expect(cond({ [op]: { [key]: value } }, { [key]: actual }), `${op} ${key}`).toBe(want);
    expect(cond({ StringEqualsIfExists: { "ec2:InstanceType": "t3.micro" } })).toBe(A);
    expect(cond({ Null: { "aws:TokenIssueTime": "true" } })).toBe(A);
    expect(cond({ Null: { "aws:TokenIssueTime": "false" } })).toBe(I);
  });
  it("handles ForAnyValue / ForAllValues on multivalued keys (aws:TagKeys)", () => {
    const all = { "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] } };
    expect(cond(all, { "aws:TagKeys": ["env"] })).toBe(A);
    expect(cond(all, { "aws:TagKeys": ["env", "cost"] })).toBe(I);
    expect(cond(all)).toBe(A); // missing key: ForAllValues is vacuously true
    const any = { "ForAnyValue:StringEquals": { "aws:TagKeys": ["env", "team"] } };
    expect(cond(any, { "aws:TagKeys": ["cost", "team"] })).toBe(A);
    expect(cond(any, { "aws:TagKeys": ["cost"] })).toBe(I);
    expect(cond(any)).toBe(I);
    expect(
      cond({ "ForAnyValue:StringNotEquals": { "aws:TagKeys": "env" } }, { "aws:TagKeys": ["env", "x"] }),
    ).toBe(A);
  });
  it("does not apply a statement with an unknown operator, and reports it", () => {
    const p = pol(
      allow("*", "*"),
      deny("*", "*", { Condition: { StringEqualsMaybe: { "aws:username": "x" } } }),
    );
    const r = evaluateAws([p], req("s3:GetObject", "*", { context: { "aws:username": "x" } }));
    expect(r).toEqual({
      decision: A,
      statements: ["0"],
      ignored: ["1: unsupported condition operator StringEqualsMaybe"],
    });
  });
});

describe(`Trust policies (${DOCS}/reference_policies_elements_principal.html)`, () => {
  const trust = (Principal: unknown, principal: string, context?: Ctx, extra: object[] = []) =>
    evaluateTrust(pol({ Effect: "Allow", Principal, Action: "sts:AssumeRole" }, ...extra), {
      ...req("sts:AssumeRole", "arn:aws:iam::444455556666:role/Target", { context }),
      principal,
    }).decision;
  it(`requires the Principal and sts:RoleSessionName (${DOCS}/reference_policies_iam-condition-keys.html#ck_rolesessionname)`, () => {
    const p = pol({
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111122223333:root" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:RoleSessionName": iamVar("aws:username") } },
    });
    const assume = (principal: string, context: Ctx) =>
      evaluateTrust(p, {
        ...req("sts:AssumeRole", "arn:aws:iam::444455556666:role/Target"),
        principal,
        context,
      }).decision;
    const user = "arn:aws:iam::111122223333:user/alice";
    expect(assume(user, { "aws:username": "alice", "sts:RoleSessionName": "alice" })).toBe(A);
    expect(assume(user, { "aws:username": "alice", "sts:RoleSessionName": "mallory" })).toBe(I);
    expect(assume(user, { "aws:username": "alice" })).toBe(I);
    expect(
      assume("arn:aws:iam::999999999999:user/alice", {
        "aws:username": "alice",
        "sts:RoleSessionName": "alice",
      }),
    ).toBe(I);
  });
  it("matches account ids, exact ARNs, role sessions and *; a Deny still wins", () => {
    const session = "arn:aws:sts::111122223333:assumed-role/Broker/grant-1";
    expect(trust({ AWS: "111122223333" }, session)).toBe(A);
    expect(trust({ AWS: ["arn:aws:iam::111122223333:role/path/Broker"] }, session)).toBe(A);
    expect(trust({ AWS: "arn:aws:iam::111122223333:role/Other" }, session)).toBe(I);
    expect(trust({ AWS: "arn:aws:iam::111122223333:user/Bo*" }, "arn:aws:iam::111122223333:user/Bob")).toBe(
      I,
    );
    expect(trust("*", "arn:aws:iam::999999999999:user/x")).toBe(A);
    const late = { DateGreaterThanEquals: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } };
    expect(
      trust("*", session, {}, [
        { Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:*", Condition: late },
      ]),
    ).toBe(D);
  });
});

describe("properties (fast-check, fixed seed)", () => {
  const statement = fc.record({
    Effect: fc.constantFrom("Allow", "Deny"),
    Action: fc.constantFrom("*", "s3:*", "s3:Get*", "iam:*", "EC2:stop*"),
    Resource: fc.constantFrom(
      "*",
      "arn:aws:s3:::b",
      "arn:aws:s3:::b/*",
      "arn:aws:ec2:*:123456789012:instance/*",
    ),
    Condition: fc.option(
      fc.record({
        DateLessThan: fc.record({
          "aws:CurrentTime": fc.constantFrom("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        }),
      }),
      { nil: undefined },
    ),
  });
  const request = fc
    .record({
      action: fc.constantFrom("s3:GetObject", "s3:PutObject", "iam:CreateUser", "ec2:StopInstances"),
      resource: fc.constantFrom(
        "*",
        "arn:aws:s3:::b",
        "arn:aws:s3:::b/k",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
      ),
    })
    .map((r) => req(r.action, r.resource));
  it("adding a Deny statement never turns a deny into an allow", () => {
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 6 }), statement, request, (stmts, extra, r) => {
        const before = decision(pol(...stmts), r);
        const after = decision(pol(...stmts, { ...extra, Effect: "Deny" }), r);
        if (before !== A) expect(after).not.toBe(A);
        if (before === D) expect(after).toBe(D);
      }),
      { seed: 1234, numRuns: 2000 },
    );
  });
  it("splitting statements across policies or reordering them never changes the decision", () => {
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 6 }), request, (stmts, r) => {
        const one = decision(pol(...stmts), r);
        expect(
          decision(
            stmts.map((s) => pol(s)),
            r,
          ),
        ).toBe(one);
        expect(decision(pol(...[...stmts].reverse()), r)).toBe(one);
      }),
      { seed: 1234, numRuns: 1000 },
    );
  });
});
