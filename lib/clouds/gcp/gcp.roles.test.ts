import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoleSpec } from "@/db/schema";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { fixedTokenClient, gcpTarget } from "@/lib/clouds/fakes/gcp/testing";
import { CloudError } from "@/lib/clouds/port";
import { gcpAdapter } from "./adapter";

const DAY = 86_400_000;

let fake: FakeGcp;
beforeAll(async () => {
  fake = await startFakeGcp();
});
afterAll(() => fake.stop());

// Built by hand: this suite is about how the adapter meets IAM's refusals, not about the role builder.
const spec = (permissions = ["logging.logs.list"]): RoleSpec => ({
  cloud: "gcp",
  permissions,
  resource: null,
  hash: "feed0001",
  roleName: "elevate_feed0001",
  document: {},
});
function setup() {
  const target = gcpTarget(`proj-${randomUUID().slice(0, 8)}`);
  const adapter = gcpAdapter({
    authClient: fixedTokenClient(),
    iamUrl: fake.url,
    resourceManagerUrl: fake.url,
    retry: { baseDelayMs: 5 },
  });
  return { target, adapter, project: () => fake.state.project(target.externalId) };
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable("expected a CloudError"),
    (e: unknown) => {
      expect(e).toBeInstanceOf(CloudError);
      return e as CloudError;
    },
  );

describe("gcp custom roles against IAM's documented refusals (https://cloud.google.com/iam/docs/creating-custom-roles)", () => {
  it("reports a permission not supported in custom roles as permanent", async () => {
    const { target, adapter } = setup();
    const e = await failure(adapter.ensureRole(target, spec(["cloudonefs.isiloncloud.com/clusters.list"])));
    expect(e.kind).toBe("permanent");
    expect(e.message).toMatch(/not supported in custom roles/);
  });

  it("cannot restore a role deleted over 7 days ago, whose id stays taken until day 37", async () => {
    const { target, adapter, project } = setup();
    await adapter.ensureRole(target, spec());
    await adapter.deleteRole(target, spec().roleName);
    project().deletedAt.set(spec().roleName, Date.now() - 8 * DAY);
    const e = await failure(adapter.ensureRole(target, spec()));
    expect(e.kind).toBe("permanent");
    expect(e.message).toMatch(/cannot be restored/);
    project().deletedAt.set(spec().roleName, Date.now() - 38 * DAY);
    await adapter.ensureRole(target, spec());
    expect((await adapter.listManaged(target)).roles).toEqual([spec().roleName]);
  });
});
