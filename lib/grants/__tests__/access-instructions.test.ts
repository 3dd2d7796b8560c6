import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { trustPolicy } from "@/lib/clouds/aws/documents";
import { principalArn } from "@/lib/clouds/aws/limits";
import { evaluateTrust } from "@/lib/iam/aws-eval";
import { awsGrantRoleArn, usageFor } from "../access-instructions";

/**
 * The access instructions must work on the real cloud: evaluated against the grant's own trust policy with
 * the AWS evaluator (lib/iam), the session name they pass is the one the policy admits, and the old fixed
 * name "elevate" is refused (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_rolesessionname).
 */
describe("access instructions satisfy the grant's trust policy", () => {
  const account = "111122223333";
  const orgId = randomUUID();
  const grantId = randomUUID();
  const user = principalArn("arn:aws:iam::111122223333:user/riley", account, "aws");
  const notAfter = new Date("2026-12-02T11:00:00Z");
  const trust = trustPolicy(user, grantId, notAfter);
  const usage = usageFor(
    { id: grantId, resource: null, roleDocument: {} },
    { cloud: "aws", externalId: account, adapter: "aws" },
    orgId,
  );
  const assume = (sessionName: string, time = new Date("2026-12-02T10:00:00Z")) =>
    evaluateTrust(trust, {
      action: "sts:AssumeRole",
      resource: awsGrantRoleArn(account, orgId, grantId),
      principal: user,
      time,
      context: { "sts:RoleSessionName": sessionName },
    }).decision;

  it("the CLI command and the profile pass the session name the trust policy admits", () => {
    const fromCli = /--role-session-name (\S+)/.exec(usage.cli[0])?.[1] ?? "";
    const fromProfile = /role_session_name = (\S+)/.exec(usage.profile ?? "")?.[1] ?? "";
    expect(usage.cli[0]).toContain(`--role-arn ${awsGrantRoleArn(account, orgId, grantId)}`);
    expect(assume(fromCli)).toBe("allow");
    expect(assume(fromProfile)).toBe("allow");
  });

  it("the command once shown (--role-session-name elevate) is refused, and so is any use after expiry", () => {
    expect(assume("elevate")).not.toBe("allow");
    expect(assume(grantId, new Date("2026-12-02T11:00:01Z"))).not.toBe("allow");
  });

  it("offers no console route, and says why: Switch Role cannot set the session name", () => {
    expect(usage.consoleUrl).toBeNull();
    expect(usage.notes.join(" ")).toMatch(/Switch Role cannot set that session name/);
  });
});

describe("Kubernetes access instructions", () => {
  it("point at the grant's kubeconfig and namespace, and never hold a token", () => {
    const grantId = randomUUID();
    const usage = usageFor(
      {
        id: grantId,
        resource: "shop",
        roleDocument: { kind: "Role", metadata: { name: "elevate-x", namespace: "shop" } },
      },
      { cloud: "kubernetes", externalId: "prod-eu", adapter: "kubernetes" },
      randomUUID(),
    );
    expect(usage.cli).toEqual([
      `export KUBECONFIG=$PWD/elevate-${grantId.slice(0, 8)}.kubeconfig`,
      "kubectl auth can-i --list -n shop",
    ]);
    expect(usage.consoleUrl).toBeNull();
    expect(usage.notes.join(" ")).toMatch(/expires with it/);
    // A namespace that is not a DNS label never reaches the shell text.
    const odd = usageFor(
      { id: grantId, resource: null, roleDocument: { metadata: { namespace: "a;rm -rf /" } } },
      { cloud: "kubernetes", externalId: "prod-eu", adapter: "kubernetes" },
      randomUUID(),
    );
    expect(odd.cli[1]).toBe("kubectl auth can-i --list -n <id>");
  });
});
