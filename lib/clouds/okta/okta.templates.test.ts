import { beforeAll, describe, expect, it } from "vitest";
import { permissionsOn } from "@/db/schema";
import { STARTER_TEMPLATES } from "@/db/seed/templates";
import type { Catalog } from "@/lib/catalog/catalog";
import { loadBaseCatalog } from "@/lib/catalog/load";
import { kindOfPlaceholder } from "@/lib/catalog/resources";
import { maxRisk } from "@/lib/catalog/risk";
import { buildRoleSpec } from "@/lib/catalog/role-builder";
import { evaluateOkta, type OktaSubject } from "./evaluate";
import { resourcesOfScope } from "./resources";

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadBaseCatalog();
});

const okta = STARTER_TEMPLATES.filter((t) => permissionsOn(t.permissions, "okta").length > 0);
const build = (key: string, resource: string | null) => {
  const t = okta.find((x) => x.key === key)!;
  return buildRoleSpec({
    cloud: "okta",
    permissions: permissionsOn(t.permissions, "okta"),
    catalog,
    accountId: "acme.okta.com",
    resource,
    resourceKind: kindOfPlaceholder(t.placeholders[0]),
  });
};

describe("Okta templates, by Okta's documented semantics (evaluateOkta)", () => {
  it("has the three issue templates, each declared at least as risky as the catalog rates it", () => {
    expect(okta.map((t) => t.name).sort()).toEqual(
      ["Manage an app's assignments", "Reset a user's password in a group", "Unlock a user"].sort(),
    );
    for (const t of okta) {
      const computed = maxRisk(
        permissionsOn(t.permissions, "okta").map((p) => catalog.get("okta", p)!.riskLevel),
      );
      expect(["low", "medium", "high"].indexOf(t.risk), t.key).toBeGreaterThanOrEqual(
        ["low", "medium", "high"].indexOf(computed),
      );
    }
    expect(catalog.get("okta", "okta.users.credentials.resetPassword")?.risk).toContain(
      "privesc:credentials",
    );
  });

  for (const key of ["okta.user.reset-password", "okta.user.unlock"]) {
    it(`${key}: allowed on a member of the group, denied outside it, for other permissions and groups`, () => {
      const spec = build(key, "00gSupport");
      const grant = {
        permissions: spec.document.permissions as string[],
        resources: resourcesOfScope(spec.binding.scope)!,
      };
      const member: OktaSubject = { type: "user", id: "00uMember", groups: ["00gSupport"] };
      const outsider: OktaSubject = { type: "user", id: "00uOther", groups: ["00gFinance"] };
      for (const p of spec.permissions) {
        expect(evaluateOkta(grant, p, member).allowed, p).toBe(true);
        expect(evaluateOkta(grant, p, outsider).allowed, `${p} outside the group`).toBe(false);
      }
      expect(evaluateOkta(grant, "okta.users.lifecycle.delete", member).allowed).toBe(false);
      expect(
        evaluateOkta(grant, "okta.groups.members.manage", { type: "group", id: "00gSupport" }).allowed,
      ).toBe(false);
      expect(spec.wide).toEqual([]);
    });
    it(`${key}: refuses to become org-wide when no group is named`, () => {
      expect(() => build(key, null)).toThrow(/name the Okta group/);
    });
  }

  it("okta.app.assignments reaches the named app only", () => {
    const spec = build("okta.app.assignments", "0oaPayroll");
    const grant = {
      permissions: spec.document.permissions as string[],
      resources: resourcesOfScope(spec.binding.scope)!,
    };
    expect(
      evaluateOkta(grant, "okta.apps.assignment.manage", { type: "app", id: "0oaPayroll" }).allowed,
    ).toBe(true);
    expect(evaluateOkta(grant, "okta.apps.assignment.manage", { type: "app", id: "0oaOther" }).allowed).toBe(
      false,
    );
    expect(evaluateOkta(grant, "okta.apps.manage", { type: "app", id: "0oaPayroll" }).allowed).toBe(false);
  });
});
