import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cloud } from "@/db/schema";
import { isElevateManagement } from "@/lib/catalog/elevate-management";
import { baseCatalog, testRoleSpec } from "@/lib/testing/role-spec";
import { bindingIdFor, type CloudAdapter, type TargetRow } from "./port";

export type ContractSetup = {
  adapter: CloudAdapter;
  target: TargetRow;
  /** A principal that exists in the cloud under test (e.g. an IAM user name or a member string). */
  principal: string;
  teardown?: () => Promise<void>;
  /** How long a new binding may take to show in the cloud's own access check (live clouds propagate). */
  checkSettleMs?: number;
};

const SAMPLE_PERMISSIONS: Record<Cloud, string[]> = {
  aws: ["logs:GetLogEvents", "logs:DescribeLogGroups"],
  gcp: ["logging.logEntries.list", "logging.logs.list"],
  // Two, so the single-permission role of the deleteRole case differs from the bound one (Azure refuses
  // to delete a role definition that still has assignments).
  azure: ["Microsoft.Insights/logs/read", "Microsoft.Insights/metrics/read"],
  kubernetes: ["core/pods:get", "core/pods/log:get"],
  okta: ["okta.users.read", "okta.users.lifecycle.unlock"],
};

/** A large permission set per cloud from the built-in catalog (no Elevate management, custom-role safe). */
const LARGE_SET: Record<Cloud, () => string[]> = {
  aws: () => ["ec2:Describe*", "s3:Get*", "rds:Describe*"],
  gcp: () => catalogNames("gcp", 120),
  azure: () => catalogNames("azure", 120),
  kubernetes: () => catalogNames("kubernetes", 120),
  // Okta grants only user, group and app permissions (docs/okta.md): every one of those in the catalog.
  okta: () => catalogNames("okta", 120).filter((p) => /^okta\.(users|groups|apps)\./.test(p)),
};

function catalogNames(cloud: Cloud, max: number): string[] {
  return baseCatalog
    .ofCloud(cloud)
    .filter((e) => !isElevateManagement(cloud, e.name) && e.customRoleSupport !== "NOT_SUPPORTED")
    .map((e) => e.name)
    .sort()
    .slice(0, max);
}

/**
 * The one contract every cloud adapter must meet, run against the sandbox, each wire-level fake and
 * (opt-in) a live account. Call inside a test file: `adapterContract("aws fake", setup)`.
 */
export function adapterContract(name: string, setup: () => Promise<ContractSetup>): void {
  describe(`cloud adapter contract: ${name}`, () => {
    let s: ContractSetup;
    beforeAll(async () => {
      s = await setup();
    });
    afterAll(async () => s?.teardown?.());

    const spec = () =>
      testRoleSpec({
        cloud: s.target.cloud,
        permissions: SAMPLE_PERMISSIONS[s.target.cloud],
        resource: null,
        accountId: s.target.externalId,
      });
    const binding = (grantId: string, minutes = 30) => ({
      grantId,
      orgId: s.target.orgId,
      roleName: spec().roleName,
      principal: s.principal,
      notAfter: new Date(Date.now() + minutes * 60_000),
    });

    it("ensureRole is idempotent and returns request ids as evidence", async () => {
      const a = await s.adapter.ensureRole(s.target, spec());
      const b = await s.adapter.ensureRole(s.target, spec());
      expect(a.roleName).toBe(spec().roleName);
      expect(b.roleName).toBe(a.roleName);
      expect(a.requestIds.length).toBeGreaterThan(0);
    });

    it("bind creates one binding per grant with the expiry, readable back, and is idempotent", async () => {
      const grantId = randomUUID();
      await s.adapter.ensureRole(s.target, spec());
      const b = binding(grantId);
      const first = await s.adapter.bind(s.target, b);
      const again = await s.adapter.bind(s.target, b);
      expect(first.bindingId).toBe(bindingIdFor(grantId));
      expect(again.bindingId).toBe(first.bindingId);
      const seen = await s.adapter.inspect(s.target, first.bindingId);
      expect(seen.present).toBe(true);
      expect(seen.notAfter && Math.abs(Date.parse(seen.notAfter) - b.notAfter.getTime())).toBeLessThan(1000);
      const managed = await s.adapter.listManaged(s.target);
      expect(managed.bindings.map((x) => x.grantId)).toContain(grantId);
      expect(managed.roles).toContain(spec().roleName);
    });

    it("overlapping grants with the same role keep independent bindings", async () => {
      const [g1, g2] = [randomUUID(), randomUUID()];
      await s.adapter.ensureRole(s.target, spec());
      const b1 = await s.adapter.bind(s.target, binding(g1));
      const b2 = await s.adapter.bind(s.target, binding(g2, 60));
      await s.adapter.unbind(s.target, b1.bindingId);
      expect((await s.adapter.inspect(s.target, b1.bindingId)).present).toBe(false);
      expect((await s.adapter.inspect(s.target, b2.bindingId)).present).toBe(true);
      await s.adapter.unbind(s.target, b2.bindingId);
    });

    it("unbind removes the binding and treats not-found as done", async () => {
      const grantId = randomUUID();
      await s.adapter.ensureRole(s.target, spec());
      const { bindingId } = await s.adapter.bind(s.target, binding(grantId));
      const removed = await s.adapter.unbind(s.target, bindingId);
      expect(removed.requestIds.length).toBeGreaterThan(0);
      await s.adapter.unbind(s.target, bindingId);
      expect((await s.adapter.inspect(s.target, bindingId)).present).toBe(false);
      const managed = await s.adapter.listManaged(s.target);
      expect(managed.bindings.map((x) => x.grantId)).not.toContain(grantId);
    });

    it("a permission set too large for one AWS managed policy provisions and revokes as a unit", async () => {
      // AWS splits it into parts (over 6,144 characters); the other clouds hold it in one role.
      const big = testRoleSpec({
        cloud: s.target.cloud,
        permissions: LARGE_SET[s.target.cloud](),
        resource: null,
        accountId: s.target.externalId,
      });
      if (s.target.cloud === "aws") expect(big.parts?.length ?? 0).toBeGreaterThanOrEqual(2);
      const grantId = randomUUID();
      await s.adapter.ensureRole(s.target, big);
      const { bindingId } = await s.adapter.bind(s.target, { ...binding(grantId), roleName: big.roleName });
      expect((await s.adapter.inspect(s.target, bindingId)).present).toBe(true);
      const managed = await s.adapter.listManaged(s.target);
      expect(managed.roles.filter((r) => r === big.roleName)).toHaveLength(1);
      expect(managed.bindings.filter((b) => b.grantId === grantId)).toHaveLength(1);
      await s.adapter.unbind(s.target, bindingId);
      expect((await s.adapter.inspect(s.target, bindingId)).present).toBe(false);
      await s.adapter.deleteRole(s.target, big.roleName);
      expect((await s.adapter.listManaged(s.target)).roles).not.toContain(big.roleName);
    });

    it("checkAccess answers for the bound principal: the role's permissions allowed now, with request ids", async () => {
      if (!s.adapter.checkAccess) {
        // Only the sandbox has no cloud to ask.
        expect(s.adapter.kind).toBe("sandbox");
        return;
      }
      const grantId = randomUUID();
      const role = spec();
      await s.adapter.ensureRole(s.target, role);
      const b = binding(grantId);
      const { bindingId } = await s.adapter.bind(s.target, b);
      const deadline = Date.now() + (s.checkSettleMs ?? 0);
      let answer = await s.adapter.checkAccess(s.target, { ...b, bindingId }, role);
      while (!answer.checks.every((c) => c.allowed) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10_000));
        answer = await s.adapter.checkAccess(s.target, { ...b, bindingId }, role);
      }
      expect(answer.requestIds.length).toBeGreaterThan(0);
      expect(answer.checks.map((c) => c.permission).sort()).toEqual([...role.permissions].sort());
      expect(answer.checks.filter((c) => !c.allowed)).toEqual([]);
      await s.adapter.unbind(s.target, bindingId);
    }, 300_000);

    it("deleteRole removes an unused role and treats not-found as done", async () => {
      const own = testRoleSpec({
        cloud: s.target.cloud,
        permissions: [SAMPLE_PERMISSIONS[s.target.cloud][0]],
        resource: null,
        accountId: s.target.externalId,
      });
      await s.adapter.ensureRole(s.target, own);
      await s.adapter.deleteRole(s.target, own.roleName);
      await s.adapter.deleteRole(s.target, own.roleName);
      expect((await s.adapter.listManaged(s.target)).roles).not.toContain(own.roleName);
    });
  });
}
