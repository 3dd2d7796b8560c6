import {
  CreatePolicyCommand,
  CreateRoleCommand,
  type IAMClient,
  ListRoleTagsCommand,
  type Tag,
  TagPolicyCommand,
  TagRoleCommand,
  UpdateRoleCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeIam } from "./index";
import { allowDoc, errorCode, fakeIamClient, trustDoc } from "./testing";

const API = "https://docs.aws.amazon.com/IAM/latest/APIReference";
const GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide";

let fake: FakeIam;
let iam: IAMClient;
let n = 0;
beforeAll(async () => {
  ({ fake, iam } = await fakeIamClient());
});
afterAll(() => fake.stop());

const role = (Tags?: Tag[], Description?: string) =>
  errorCode(
    iam.send(
      new CreateRoleCommand({ RoleName: `r${++n}`, AssumeRolePolicyDocument: trustDoc(), Tags, Description }),
    ),
  );
const policy = (Tags?: Tag[], Description?: string) =>
  errorCode(
    iam.send(
      new CreatePolicyCommand({ PolicyName: `p${++n}`, PolicyDocument: allowDoc(), Tags, Description }),
    ),
  );
const many = (count: number, key = (i: number) => `k${i}`): Tag[] =>
  Array.from({ length: count }, (_, i) => ({ Key: key(i), Value: "v" }));

const tagRules: [string, string, Tag[], string][] = [
  [
    "a key of 129 characters",
    `${API}/API_Tag.html`,
    [{ Key: "k".repeat(129), Value: "" }],
    "ValidationError",
  ],
  ["an empty key", `${API}/API_Tag.html`, [{ Key: "", Value: "v" }], "ValidationError"],
  [
    "a value of 257 characters",
    `${API}/API_Tag.html`,
    [{ Key: "k", Value: "v".repeat(257) }],
    "ValidationError",
  ],
  [
    "a key with a character outside the set",
    `${API}/API_Tag.html`,
    [{ Key: "cost#center", Value: "" }],
    "ValidationError",
  ],
  [
    "a value with a character outside the set",
    `${API}/API_Tag.html`,
    [{ Key: "k", Value: "a,b" }],
    "ValidationError",
  ],
  ["a key starting with aws:", `${GUIDE}/id_tags.html`, [{ Key: "aws:owner", Value: "me" }], "InvalidInput"],
  [
    "a key starting with AWS: in capitals",
    `${GUIDE}/id_tags.html`,
    [{ Key: "AWS:owner", Value: "me" }],
    "InvalidInput",
  ],
  [
    "two keys equal ignoring case",
    `${GUIDE}/id_tags.html`,
    [
      { Key: "CostCenter", Value: "1" },
      { Key: "costcenter", Value: "2" },
    ],
    "InvalidInput",
  ],
  ["51 tags", `${GUIDE}/reference_iam-quotas.html`, many(51), "ValidationError"],
];

describe("fake IAM checks tags as IAM does", () => {
  it.each(tagRules)("refuses %s (%s)", async (_rule, _doc, tags, code) => {
    expect(await role(tags)).toBe(code);
    expect(await policy(tags)).toBe(code);
  });

  it("accepts 50 tags, 128/256-character keys and values, Unicode letters, spaces and _.:/=+-@", async () => {
    // API_Tag.html: [\p{L}\p{Z}\p{N}_.:/=+\-@]; the value may be empty.
    const edge: Tag[] = [
      { Key: "k".repeat(128), Value: "v".repeat(256) },
      { Key: "Kostenstelle Größe_1.2:3/4=5+6-7@8", Value: "ünïcödé ✓".replace("✓", "9") },
      { Key: "empty", Value: "" },
    ];
    expect(await role(edge)).toBe("ok");
    expect(await role(many(50))).toBe("ok");
    expect(await policy(many(50))).toBe("ok");
  });

  it("TagRole replaces a key equal ignoring case, and refuses to pass 50 tags in all", async () => {
    // reference_iam-quotas.html: 50 tags per role or policy, counting the ones already there.
    await iam.send(
      new CreateRoleCommand({ RoleName: "tagged", AssumeRolePolicyDocument: trustDoc(), Tags: many(49) }),
    );
    await iam.send(new TagRoleCommand({ RoleName: "tagged", Tags: [{ Key: "K0", Value: "new" }] }));
    const listed = await iam.send(new ListRoleTagsCommand({ RoleName: "tagged", MaxItems: 100 }));
    expect(listed.Tags).toHaveLength(49);
    expect(listed.Tags?.find((t) => t.Key === "K0")?.Value).toBe("new");
    await iam.send(new TagRoleCommand({ RoleName: "tagged", Tags: [{ Key: "k49", Value: "" }] }));
    const over = iam.send(new TagRoleCommand({ RoleName: "tagged", Tags: [{ Key: "k50", Value: "" }] }));
    expect(await errorCode(over)).toBe("LimitExceeded");
  });

  it("TagRole and TagPolicy refuse what CreateRole and CreatePolicy refuse", async () => {
    await iam.send(new CreateRoleCommand({ RoleName: "later", AssumeRolePolicyDocument: trustDoc() }));
    const created = await iam.send(
      new CreatePolicyCommand({ PolicyName: "later", PolicyDocument: allowDoc() }),
    );
    const reserved = [{ Key: "aws:x", Value: "" }];
    expect(await errorCode(iam.send(new TagRoleCommand({ RoleName: "later", Tags: reserved })))).toBe(
      "InvalidInput",
    );
    const tagPolicy = iam.send(new TagPolicyCommand({ PolicyArn: created.Policy?.Arn, Tags: reserved }));
    expect(await errorCode(tagPolicy)).toBe("InvalidInput");
  });
});

describe("fake IAM limits descriptions to 1,000 characters (ValidationError)", () => {
  it.each([
    ["CreateRole", `${API}/API_CreateRole.html`, role],
    ["CreatePolicy", `${API}/API_CreatePolicy.html`, policy],
  ])("%s (%s)", async (_action, _doc, create) => {
    expect(await create(undefined, "d".repeat(1001))).toBe("ValidationError");
    expect(await create(undefined, "d".repeat(1000))).toBe("ok");
  });

  it(`UpdateRole (${API}/API_UpdateRole.html)`, async () => {
    await iam.send(new CreateRoleCommand({ RoleName: "described", AssumeRolePolicyDocument: trustDoc() }));
    const update = (d: string) =>
      errorCode(iam.send(new UpdateRoleCommand({ RoleName: "described", Description: d })));
    expect(await update("d".repeat(1001))).toBe("ValidationError");
    expect(await update("d".repeat(1000))).toBe("ok");
  });
});
