import { afterEach, describe, expect, it } from "vitest";
import { CloudError } from "@/lib/clouds/port";
import { DEFAULT_THROTTLE_BACKOFF_MS } from "./errors";
import { fakeAwsSetup } from "./testing";

type Setup = Awaited<ReturnType<typeof fakeAwsSetup>>;
const open: Setup[] = [];
async function setup(config?: Parameters<typeof fakeAwsSetup>[0]): Promise<Setup> {
  const s = await fakeAwsSetup(config);
  open.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.fake.stop()));
});

async function failure(p: Promise<unknown>): Promise<CloudError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CloudError);
  return e as CloudError;
}

describe("aws adapter under injected IAM faults", () => {
  it("classifies a 5xx as retryable, with the fake's request id, and the retry succeeds", async () => {
    const s = await setup();
    s.fake.injectFault({ action: "CreatePolicy", code: "ServiceUnavailable", status: 503, times: 1 });
    const e = await failure(s.adapter.ensureRole(s.target, s.spec()));
    expect(e.kind).toBe("retryable");
    expect(e.requestId).toBe(s.fake.state.calls.at(-1)?.requestId);
    const ok = await s.adapter.ensureRole(s.target, s.spec());
    expect(ok.requestIds).toEqual([s.fake.state.calls.at(-1)?.requestId]);
    expect(s.fake.state.policies.size).toBe(1);
  });

  it("lets the SDK absorb a single 500 when it may retry", async () => {
    const s = await setup({ maxAttempts: 3 });
    s.fake.injectFault({ action: "CreatePolicy", code: "ServiceFailure", status: 500, times: 1 });
    await s.adapter.ensureRole(s.target, s.spec());
    expect(s.fake.state.calls.map((c) => [c.action, c.status])).toEqual([
      ["CreatePolicy", 500],
      ["CreatePolicy", 200],
    ]);
  });

  it("classifies Throttling as throttled with the Retry-After header, or a backoff hint without it", async () => {
    const s = await setup();
    s.fake.injectFault({
      action: "CreatePolicy",
      code: "Throttling",
      status: 400,
      times: 1,
      retryAfterSeconds: 7,
    });
    const withHeader = await failure(s.adapter.ensureRole(s.target, s.spec()));
    expect([withHeader.kind, withHeader.retryAfterMs]).toEqual(["throttled", 7000]);
    s.fake.injectFault({ action: "ListRoles", code: "RequestLimitExceeded", status: 400, times: 1 });
    const without = await failure(s.adapter.listManaged(s.target));
    expect([without.kind, without.retryAfterMs]).toEqual(["throttled", DEFAULT_THROTTLE_BACKOFF_MS]);
  });

  it("classifies a timeout and a refused connection as retryable", async () => {
    const s = await setup({ requestTimeoutMs: 150 });
    s.fake.injectFault({ action: "CreatePolicy", times: 1, delayMs: 600 });
    expect((await failure(s.adapter.ensureRole(s.target, s.spec()))).kind).toBe("retryable");
    await s.fake.stop();
    expect((await failure(s.adapter.ensureRole(s.target, s.spec()))).kind).toBe("retryable");
  });

  it("reports 403 AccessDenied on unbind as permanent and leaves the binding visible", async () => {
    const s = await setup();
    await s.adapter.ensureRole(s.target, s.spec());
    const { bindingId } = await s.adapter.bind(s.target, s.binding());
    s.fake.injectFault({ action: "PutRolePolicy", code: "AccessDenied", status: 403, times: 1 });
    const e = await failure(s.adapter.unbind(s.target, bindingId));
    expect(e.kind).toBe("permanent");
    expect(e.message).toContain("AccessDenied");
    expect((await s.adapter.inspect(s.target, bindingId)).present).toBe(true);
  });

  it("treats NoSuchEntity on unbind as done, at the first step or midway", async () => {
    const s = await setup();
    const never = await s.adapter.unbind(s.target, `elevate-${s.binding().grantId}`);
    expect(never.requestIds).toEqual([s.fake.state.calls.at(-1)?.requestId]);
    await s.adapter.ensureRole(s.target, s.spec());
    const { bindingId } = await s.adapter.bind(s.target, s.binding());
    // Another actor deletes the role while this unbind is between two steps.
    s.fake.injectFault({ action: "ListRolePolicies", times: 1, delayMs: 150 });
    const unbinding = s.adapter.unbind(s.target, bindingId);
    await new Promise((r) => setTimeout(r, 50));
    s.fake.state.roles.delete(bindingId);
    await unbinding;
    expect(s.fake.state.calls.filter((c) => c.status === 404).map((c) => c.action)).toEqual([
      "PutRolePolicy",
      "ListRolePolicies",
      "DeleteRolePolicy",
      "DeleteRole",
    ]);
    expect((await s.adapter.inspect(s.target, bindingId)).present).toBe(false);
  });

  it("classifies LimitExceeded and bad credentials from IAM as permanent", async () => {
    const s = await setup();
    s.fake.injectFault({ action: "CreatePolicy", code: "LimitExceeded", status: 409, times: 1 });
    expect((await failure(s.adapter.ensureRole(s.target, s.spec()))).kind).toBe("permanent");
    const bad = await setup({ credentials: { accessKeyId: "AKIAWRONGKEY00000000", secretAccessKey: "x" } });
    const e = await failure(bad.adapter.listManaged(bad.target));
    expect([e.kind, e.message.includes("InvalidClientTokenId")]).toEqual(["permanent", true]);
  });

  it("keeps the request id of every call, as the fake sent it in x-amzn-RequestId", async () => {
    const s = await setup();
    const from = s.fake.state.calls.length;
    const created = await s.adapter.ensureRole(s.target, s.spec());
    const bound = await s.adapter.bind(s.target, s.binding());
    const removed = await s.adapter.unbind(s.target, bound.bindingId);
    const sent = s.fake.state.calls.slice(from).map((c) => c.requestId);
    expect(sent.length).toBeGreaterThan(4);
    expect(sent).toEqual([...created.requestIds, ...bound.requestIds, ...removed.requestIds]);
    expect(new Set(sent).size).toBe(sent.length);
  });

  it("writes the revoke-older-sessions Deny before anything is detached or the role deleted", async () => {
    const s = await setup();
    await s.adapter.ensureRole(s.target, s.spec());
    const { bindingId } = await s.adapter.bind(s.target, s.binding());
    const from = s.fake.state.calls.length;
    const before = Date.now();
    await s.adapter.unbind(s.target, bindingId);
    const calls = s.fake.state.calls.slice(from);
    expect(calls.map((c) => c.action)).toEqual([
      "PutRolePolicy",
      "ListAttachedRolePolicies",
      "DetachRolePolicy",
      "ListRolePolicies",
      "DeleteRolePolicy",
      "DeleteRolePolicy",
      "DeleteRole",
    ]);
    expect(calls[0].params.PolicyName).toBe("AWSRevokeOlderSessions");
    const doc = JSON.parse(calls[0].params.PolicyDocument);
    expect(doc.Statement[0].Effect).toBe("Deny");
    const cutoff = Date.parse(doc.Statement[0].Condition.DateLessThan["aws:TokenIssueTime"]);
    expect(cutoff).toBeGreaterThanOrEqual(before);
    expect(cutoff - before).toBeLessThanOrEqual(2000);
    // The Deny is removed last, after the expiry policy, right before the role itself.
    expect(calls.slice(4, 6).map((c) => c.params.PolicyName)).toEqual([
      "elevate-expiry",
      "AWSRevokeOlderSessions",
    ]);
  });
});
