import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { CloudError } from "@/lib/clouds/port";
import { fakeAwsPerTest } from "./testing";

const { setup, stopAll } = fakeAwsPerTest();
afterEach(stopAll);

/** An identity policy with `count` distinct actions: about 30 characters each. */
const bigPolicy = (count: number) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: Array.from({ length: count }, (_, i) => `logs:GetLogEventsNumber${i}`),
      Resource: "*",
    },
  ],
});

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as CloudError,
  );

describe("aws adapter: limits are checked before any call", () => {
  const cases: [string, (s: Awaited<ReturnType<typeof setup>>) => Promise<unknown>, RegExp][] = [
    [
      "a managed policy over 6,144 characters that the builder did not split",
      (s) => s.adapter.ensureRole(s.target, { ...s.spec(), document: bigPolicy(400) }),
      /managed policy elevate_\w+ is \d+ characters .*IAM allows 6144/,
    ],
    [
      "a part over 6,144 characters",
      (s) => s.adapter.ensureRole(s.target, { ...s.spec(), parts: [bigPolicy(1), bigPolicy(400)] }),
      /managed policy elevate_\w+-p2 is \d+ characters .*IAM allows 6144/,
    ],
    [
      "a split into more managed policies than a role may have attached",
      (s) =>
        s.adapter.ensureRole(s.target, {
          ...s.spec(),
          parts: Array.from({ length: 11 }, () => bigPolicy(1)),
        }),
      /permission set elevate_\w+ needs 11 managed policies .*IAM attaches at most 10 to one role/,
    ],
    [
      "a policy name outside [\\w+=,.@-]",
      (s) => s.adapter.ensureRole(s.target, { ...s.spec(), roleName: "elevate policy" }),
      /policy name "elevate policy" may only use/,
    ],
    [
      "a role name over 64 characters",
      (s) => s.adapter.unbind(s.target, `elevate-${"a".repeat(60)}`),
      /role name "elevate-a+" is 68 characters; IAM allows 1 to 64/,
    ],
    [
      "a binding id that is not Elevate's",
      (s) => s.adapter.inspect(s.target, "someone-elses-role"),
      /"someone-elses-role" is not an Elevate binding id/,
    ],
    [
      "a principal that is neither an ARN nor a user name",
      (s) => s.adapter.bind(s.target, { ...s.binding(), principal: 'alice" , "Action": "*' }),
      /principal .* is neither an IAM user\/role ARN nor an IAM user name/,
    ],
    [
      "an expiry in the past",
      (s) => s.adapter.bind(s.target, s.binding(randomUUID(), -1)),
      /binding expiry must be a valid instant in the future/,
    ],
    [
      "a target whose external id is not an account id",
      (s) => s.adapter.deleteRole({ ...s.target, externalId: "my-project" }, s.spec().roleName),
      /"my-project" is not a 12-digit AWS account id/,
    ],
  ];
  it.each(cases)("rejects %s as permanent, sending nothing", async (_name, run, message) => {
    const s = await setup();
    const e = await rejection(run(s));
    expect(e).toBeInstanceOf(CloudError);
    expect(e?.kind).toBe("permanent");
    expect(e?.message).toMatch(message);
    expect(s.fake.state.calls).toHaveLength(0);
  });
});
