import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  type IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeIam } from "./index";
import { allowDoc, errorCode, fakeIamClient, trustDoc } from "./testing";

const DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide";

let fake: FakeIam;
let iam: IAMClient;
let n = 0;
beforeAll(async () => {
  ({ fake, iam } = await fakeIamClient());
  await iam.send(new CreateRoleCommand({ RoleName: "holder", AssumeRolePolicyDocument: trustDoc() }));
});
afterAll(() => fake.stop());

const managed = (doc: string) =>
  errorCode(iam.send(new CreatePolicyCommand({ PolicyName: `p${++n}`, PolicyDocument: doc })));
const inline = (doc: string) =>
  errorCode(
    iam.send(new PutRolePolicyCommand({ RoleName: "holder", PolicyName: `i${++n}`, PolicyDocument: doc })),
  );
const trust = (doc: string) =>
  errorCode(iam.send(new CreateRoleCommand({ RoleName: `r${++n}`, AssumeRolePolicyDocument: doc })));

// Identity policies: customer managed (CreatePolicy) and inline role policies (PutRolePolicy).
const identityRules: [string, string, string][] = [
  [
    "a statement without Action or NotAction",
    `${DOCS}/reference_policies_elements_action.html`,
    allowDoc({ Action: undefined }),
  ],
  [
    "a statement without Resource or NotResource",
    `${DOCS}/reference_policies_elements_resource.html`,
    allowDoc({ Resource: undefined }),
  ],
  [
    "a Principal (identity-based policies name no principal)",
    `${DOCS}/reference_policies_elements_principal.html`,
    allowDoc({ Principal: { AWS: "arn:aws:iam::123456789012:root" } }),
  ],
  [
    "a NotPrincipal",
    `${DOCS}/reference_policies_elements_notprincipal.html`,
    allowDoc({ Effect: "Deny", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } }),
  ],
  [
    "an action without a service prefix",
    `${DOCS}/reference_policies_elements_action.html`,
    allowDoc({ Action: "GetObject" }),
  ],
  [
    "an action with an empty name",
    `${DOCS}/reference_policies_elements_action.html`,
    allowDoc({ Action: ["s3:"] }),
  ],
  [
    "an action with two colons",
    `${DOCS}/reference_policies_elements_action.html`,
    allowDoc({ Action: "s3:Get:Object" }),
  ],
  [
    "a malformed NotAction",
    `${DOCS}/reference_policies_elements_notaction.html`,
    allowDoc({ Action: undefined, NotAction: "GetObject" }),
  ],
  [
    "a resource that is a bare name",
    `${DOCS}/reference_policies_elements_resource.html`,
    allowDoc({ Resource: "bucket-name" }),
  ],
  [
    "an ARN with fewer than six parts",
    `${DOCS}/reference_policies_elements_resource.html`,
    allowDoc({ Resource: ["arn:aws:s3"] }),
  ],
  [
    "a malformed NotResource",
    `${DOCS}/reference_policies_elements_notresource.html`,
    allowDoc({ Resource: undefined, NotResource: "arn:aws:s3::bucket" }),
  ],
  [
    "a Version other than 2012-10-17 or 2008-10-17",
    `${DOCS}/reference_policies_elements_version.html`,
    allowDoc({}, "2012-10-18"),
  ],
];

describe("fake IAM refuses identity policies IAM refuses (MalformedPolicyDocument)", () => {
  it.each(identityRules)("%s (%s)", async (_rule, _doc, doc) => {
    expect(await managed(doc)).toBe("MalformedPolicyDocument");
    expect(await inline(doc)).toBe("MalformedPolicyDocument");
  });

  it("refuses the same on a new policy version", async () => {
    const created = await iam.send(
      new CreatePolicyCommand({ PolicyName: "versioned", PolicyDocument: allowDoc() }),
    );
    const arn = created.Policy?.Arn;
    const bad = iam.send(
      new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allowDoc({ Action: "GetObject" }) }),
    );
    expect(await errorCode(bad)).toBe("MalformedPolicyDocument");
  });

  it("accepts what the grammar allows: wildcards, NotAction/NotResource, an ARN path, an omitted Version", async () => {
    // reference_policies_grammar.html: Version is optional; Action and Resource take a string or a list.
    const ok = [
      allowDoc({ Action: "*" }),
      allowDoc({ Action: ["s3:Get*", "ec2:Describe?nstances", "S3:ListBucket"] }),
      allowDoc({ Resource: ["arn:aws:s3:::bucket/key:with:colons", "arn:aws:iam::123456789012:role/x"] }),
      allowDoc({ Action: undefined, NotAction: "iam:*", Resource: undefined, NotResource: "*" }),
      allowDoc({}, "2008-10-17"),
      JSON.stringify({ Statement: { Effect: "Deny", Action: "*", Resource: "*" } }),
    ];
    for (const doc of ok) {
      expect(await managed(doc)).toBe("ok");
      expect(await inline(doc)).toBe("ok");
    }
  });
});

// Role trust policies (CreateRole and UpdateAssumeRolePolicy): principals and STS actions, no resources.
const trustRules: [string, string, string][] = [
  ["a Resource element", `${DOCS}/reference_policies_elements_resource.html`, trustDoc({ Resource: "*" })],
  [
    "a missing Principal",
    `${DOCS}/reference_policies_elements_principal.html`,
    trustDoc({ Principal: undefined }),
  ],
  [
    "a NotPrincipal instead of a Principal",
    `${DOCS}/reference_policies_elements_notprincipal.html`,
    trustDoc({ Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::123456789012:user/alice" } }),
  ],
  [
    "an action that is not an STS action",
    `${DOCS}/reference_policies_elements_principal.html`,
    trustDoc({ Action: ["sts:AssumeRole", "s3:GetObject"] }),
  ],
  ["Action *", `${DOCS}/reference_policies_elements_action.html`, trustDoc({ Action: "*" })],
  ["a missing Action", `${DOCS}/reference_policies_elements_action.html`, trustDoc({ Action: undefined })],
  [
    "a Version other than 2012-10-17 or 2008-10-17",
    `${DOCS}/reference_policies_elements_version.html`,
    trustDoc({}).replace("2012-10-17", "2021-01-01"),
  ],
];

describe("fake IAM refuses trust policies IAM refuses (MalformedPolicyDocument)", () => {
  it.each(trustRules)("%s (%s)", async (_rule, _doc, doc) => {
    expect(await trust(doc)).toBe("MalformedPolicyDocument");
    const update = iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "holder", PolicyDocument: doc }));
    expect(await errorCode(update)).toBe("MalformedPolicyDocument");
  });

  it("accepts every STS action a role trust policy may allow", async () => {
    // id_roles_create_for-user.html, id_session-tags.html, id_credentials_temp_control-access_monitor.html.
    const actions = [
      "sts:AssumeRole",
      "sts:AssumeRoleWithSAML",
      "sts:AssumeRoleWithWebIdentity",
      "sts:TagSession",
      "sts:SetSourceIdentity",
      "sts:SetContext",
    ];
    expect(await trust(trustDoc({ Action: actions }))).toBe("ok");
    expect(await trust(trustDoc({ Action: "sts:AssumeRole*" }))).toBe("ok");
  });
});
