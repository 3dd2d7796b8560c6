import { beforeAll, describe, expect, it } from "vitest";
import type { Cloud } from "@/db/schema";
import { STARTER_TEMPLATES } from "@/db/seed/templates";
import type { Catalog } from "./catalog";
import { isElevateManagement } from "./elevate-management";
import { loadBaseCatalog } from "./load";
import { AWS_MANAGED_POLICY_MAX, policySize } from "./role-aws";
import { buildRoleSpec } from "./role-builder";
import { GCP_MAX_PERMISSIONS } from "./role-gcp-azure";
import { kindOfPlaceholder } from "./role-scope";

const ACCOUNTS: Record<Cloud, string> = {
  aws: "111122223333",
  gcp: "elevate-demo-prod",
  azure: "00000000-0000-4000-8000-000000000001",
};
const CLOUDS: Cloud[] = ["aws", "gcp", "azure"];

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadBaseCatalog();
});

describe("built-in task templates", () => {
  it("has at least 12 templates, including the keys and names e2e tests select", () => {
    expect(STARTER_TEMPLATES.length).toBeGreaterThanOrEqual(12);
    const names = Object.fromEntries(STARTER_TEMPLATES.map((t) => [t.key, t.name]));
    expect(names).toMatchObject({
      "vm.ssh": "SSH to a VM",
      "vm.restart": "Restart a VM",
      "db.patch": "Patch a database",
      "db.read": "Read a database's configuration",
      "bucket.read": "Read a bucket",
      "logs.read": "Read logs",
      "k8s.read": "Read a Kubernetes cluster",
    });
    for (const k of [
      "k8s.cluster.update",
      "bucket.write",
      "secrets.read",
      "function.deploy",
      "incident.readonly",
    ])
      expect(names[k]).toBeTruthy();
  });

  for (const t of STARTER_TEMPLATES) {
    for (const cloud of CLOUDS) {
      it(`${t.key} builds a valid ${cloud} document from catalog permissions within limits`, () => {
        const perms = t.permissions[cloud];
        expect(perms.length).toBeGreaterThan(0);
        for (const p of perms) expect(catalog.get(cloud, p)?.name, `${p} in the ${cloud} catalog`).toBe(p);
        const resource = t.placeholders.length ? "prod-1" : null;
        const spec = buildRoleSpec({
          cloud,
          permissions: perms,
          resource,
          accountId: ACCOUNTS[cloud],
          catalog,
          resourceKind: kindOfPlaceholder(t.placeholders[0]),
          expiresAt: new Date("2031-01-01T00:00:00Z"),
        });
        expect([...spec.permissions].sort()).toEqual([...new Set(perms)].sort());
        expect(spec.permissions.some((p) => isElevateManagement(cloud, p))).toBe(false);
        if (cloud === "aws") {
          const st = spec.document.Statement as {
            Action: string[];
            Resource: string[];
            Condition: unknown;
          }[];
          expect(policySize(spec.document)).toBeLessThanOrEqual(AWS_MANAGED_POLICY_MAX);
          expect(st.flatMap((s) => s.Action).sort()).toEqual(spec.permissions);
          for (const s of st) {
            expect(s.Condition).toEqual({ DateLessThan: { "aws:CurrentTime": "2031-01-01T00:00:00.000Z" } });
            for (const r of s.Resource) expect(r === "*" || r.startsWith("arn:aws:")).toBe(true);
          }
          if (resource) expect(st.some((s) => s.Resource.some((r) => r.includes("prod-1")))).toBe(true);
        }
        if (cloud === "gcp") {
          expect(spec.document.includedPermissions).toEqual(spec.permissions);
          expect(spec.permissions.length).toBeLessThanOrEqual(GCP_MAX_PERMISSIONS);
          expect(spec.binding.condition?.expression).toContain(
            "request.time < timestamp('2031-01-01T00:00:00.000Z')",
          );
          if (resource) expect(spec.binding.condition?.expression).toContain("prod-1");
        }
        if (cloud === "azure") {
          const [p] = spec.document.permissions as { actions: string[]; dataActions: string[] }[];
          expect([...p.actions, ...p.dataActions].sort()).toEqual(spec.permissions);
          expect(spec.document.assignableScopes).toEqual([`/subscriptions/${ACCOUNTS.azure}`]);
          expect(spec.binding.scope).toBe(
            resource
              ? `/subscriptions/${ACCOUNTS.azure}/resourceGroups/${resource}`
              : `/subscriptions/${ACCOUNTS.azure}`,
          );
        }
      });
    }
  }
});
