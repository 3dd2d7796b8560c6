import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  paginateListRoles,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeIam, startFakeIam } from "./index";

const KEY = { accessKeyId: "AKIAFAKEIAMTEST00001", secretAccessKey: "not-a-secret" };
const PRINCIPAL = "arn:aws:iam::123456789012:user/alice";
const trust = (principal = PRINCIPAL) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }],
  });
const allow = (actions: string[] = ["s3:GetObject"]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });

let fake: FakeIam;
let iam: IAMClient;
beforeAll(async () => {
  fake = await startFakeIam({ accessKeyId: KEY.accessKeyId, principals: [PRINCIPAL] });
  iam = new IAMClient({ endpoint: fake.url, region: "us-east-1", credentials: KEY, maxAttempts: 1 });
});
afterAll(() => fake.stop());

async function code(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "ok",
    (e: { Code?: string; name: string }) => e.Code ?? e.name,
  );
}
const createRole = (RoleName: string) =>
  iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust() }));
const createPolicy = (PolicyName: string, doc = allow()) =>
  iam.send(new CreatePolicyCommand({ PolicyName, PolicyDocument: doc })).then((r) => r.Policy?.Arn ?? "");

describe("fake IAM on the wire", () => {
  it("answers errors in IAM's XML shape with the request id header", async () => {
    const res = await fetch(fake.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20300101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x`,
      },
      body: "Action=GetRole&Version=2010-05-08&RoleName=nobody",
    });
    const id = res.headers.get("x-amzn-requestid");
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(
      `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>` +
        `<Message>The role with name nobody cannot be found.</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
    );
  });

  it("rejects unsigned requests and unknown access keys", async () => {
    const unsigned = await fetch(fake.url, { method: "POST", body: "Action=ListRoles&Version=2010-05-08" });
    expect(unsigned.status).toBe(403);
    const other = new IAMClient({
      endpoint: fake.url,
      region: "us-east-1",
      credentials: { ...KEY, accessKeyId: "AKIAOTHER" },
    });
    expect(await code(other.send(new DeleteRoleCommand({ RoleName: "x" })))).toBe("InvalidClientTokenId");
  });

  it("enforces names, sizes and principals", async () => {
    expect(await code(createRole("bad name"))).toBe("ValidationError");
    expect(await code(createRole("r".repeat(65)))).toBe("ValidationError");
    expect(await code(createPolicy("p".repeat(129)))).toBe("ValidationError");
    const big = Array.from({ length: 300 }, (_, i) => `s3:GetObjectVersionNumber${i}`);
    expect(await code(createPolicy("too-big", allow(big)))).toBe("LimitExceeded");
    // Whitespace is not counted: the same document padded with spaces still fits.
    const padded = JSON.stringify(JSON.parse(allow(big.slice(0, 150))), null, 40);
    expect(padded.length).toBeGreaterThan(6144);
    expect(await code(createPolicy("padded", padded))).toBe("ok");
    expect(await code(createPolicy("broken", "{not json"))).toBe("MalformedPolicyDocument");
    const stranger = iam.send(
      new CreateRoleCommand({
        RoleName: "stranger",
        AssumeRolePolicyDocument: trust("arn:aws:iam::123456789012:user/x"),
      }),
    );
    expect(await code(stranger)).toBe("MalformedPolicyDocument");
  });

  it("answers EntityAlreadyExists case-insensitively", async () => {
    await createRole("Dup-Role");
    expect(await code(createRole("dup-role"))).toBe("EntityAlreadyExists");
  });

  it("limits a role to 10 managed policies and 10,240 characters of inline policy", async () => {
    await createRole("busy");
    for (let i = 0; i < 11; i++) {
      const arn = await createPolicy(`busy-${i}`);
      const r = await code(iam.send(new AttachRolePolicyCommand({ RoleName: "busy", PolicyArn: arn })));
      expect(r).toBe(i < 10 ? "ok" : "LimitExceeded");
    }
    const chunk = allow(Array.from({ length: 200 }, (_, i) => `s3:Get${i}`));
    const put = (n: number) =>
      iam.send(new PutRolePolicyCommand({ RoleName: "busy", PolicyName: `in-${n}`, PolicyDocument: chunk }));
    const results = [];
    for (let n = 0; n < 5; n++) results.push(await code(put(n)));
    expect([results[0], results.at(-1)]).toEqual(["ok", "LimitExceeded"]);
  });

  it("refuses to delete a policy still attached or a role that still has policies", async () => {
    await createRole("holder");
    const arn = await createPolicy("held");
    await iam.send(new AttachRolePolicyCommand({ RoleName: "holder", PolicyArn: arn }));
    expect(await code(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).toBe("DeleteConflict");
    expect(await code(iam.send(new DeleteRoleCommand({ RoleName: "holder" })))).toBe("DeleteConflict");
  });

  it("pages lists with Marker as the SDK paginator expects", async () => {
    const names = Array.from({ length: 7 }, (_, i) => `paged-${i}`);
    for (const n of names)
      await iam.send(
        new CreateRoleCommand({ RoleName: n, Path: "/paged/", AssumeRolePolicyDocument: trust() }),
      );
    const seen: string[] = [];
    for await (const page of paginateListRoles({ client: iam, pageSize: 3 }, { PathPrefix: "/paged/" })) {
      seen.push(...(page.Roles ?? []).map((r) => r.RoleName ?? ""));
    }
    expect(seen).toEqual(names);
  });
});
