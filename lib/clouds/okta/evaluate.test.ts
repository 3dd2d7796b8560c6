import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FakeOktaState, mayPerform } from "@/lib/clouds/fakes/okta";
import { parseFakeResource } from "@/lib/clouds/fakes/okta/resources";
import { evaluateOkta, type OktaSubject } from "./evaluate";
import { OKTA_PERMISSIONS } from "./permissions";
import { type OktaResource, parseOktaResource, resourcePath } from "./resources";
import { buildOktaRole, OKTA_PERMISSION, oktaResourcesFor } from "./role";

const RESET = "okta.users.credentials.resetPassword";
const PERMS = [
  RESET,
  "okta.users.lifecycle.unlock",
  "okta.users.manage",
  "okta.groups.read",
  "okta.apps.assignment.manage",
  "okta.apps.manage",
];

describe("evaluateOkta (permission × resource set)", () => {
  const set = { permissions: [RESET], resources: [{ kind: "group-users", groupId: "00gA" } as OktaResource] };

  it("allows the role's permission on a member of the group, and nothing else", () => {
    expect(evaluateOkta(set, RESET, { type: "user", id: "00u1", groups: ["00gA"] }).allowed).toBe(true);
    expect(evaluateOkta(set, RESET, { type: "user", id: "00u2", groups: ["00gB"] }).allowed).toBe(false);
    expect(
      evaluateOkta(set, "okta.users.lifecycle.unlock", { type: "user", id: "00u1", groups: ["00gA"] })
        .allowed,
    ).toBe(false);
    // The users of G are not G: group permissions need the group itself in the set.
    expect(
      evaluateOkta({ ...set, permissions: ["okta.groups.read"] }, "okta.groups.read", {
        type: "group",
        id: "00gA",
      }).allowed,
    ).toBe(false);
  });

  it("okta.<family>.manage includes its family's permissions, not another family's", () => {
    const manage = { permissions: ["okta.users.manage"], resources: [{ kind: "all-users" } as OktaResource] };
    expect(evaluateOkta(manage, RESET, { type: "user", id: "00u1", groups: [] }).allowed).toBe(true);
    expect(evaluateOkta(manage, "okta.groups.read", { type: "group", id: "00gA" }).allowed).toBe(false);
  });

  it("agrees with the fake org's own evaluation over random orgs and assignments (fixed seed)", () => {
    const groups = ["g1", "g2", "g3"];
    const apps = ["a1", "a2"];
    const resource = fc.constantFrom<string>(
      "users",
      "groups",
      "apps",
      ...groups.flatMap((g) => [`groups/${g}/users`, `groups/${g}`]),
      ...apps.map((a) => `apps/${a}`),
    );
    fc.assert(
      fc.property(
        fc.subarray(PERMS, { minLength: 1 }),
        fc.uniqueArray(resource, { minLength: 1, maxLength: 4 }),
        fc.array(fc.subarray(groups), { minLength: 3, maxLength: 3 }),
        fc.constantFrom(...PERMS),
        fc.oneof(
          fc.record({ type: fc.constant("user" as const), i: fc.nat(2) }),
          fc.record({ type: fc.constant("group" as const), i: fc.nat(2) }),
          fc.record({ type: fc.constant("app" as const), i: fc.nat(1) }),
        ),
        (permissions, resources, memberships, asked, who) => {
          const state = new FakeOktaState();
          const admin = state.addUser("admin@acme.example");
          const users = memberships.map((_, i) => state.addUser(`u${i}@acme.example`));
          const gid = new Map(
            groups.map((g) => [
              g,
              state.addGroup(
                g,
                users.filter((_, i) => memberships[i].includes(g)),
              ).id,
            ]),
          );
          const aid = new Map(apps.map((a) => [a, state.addApp(a).id]));
          const real = (r: string) => r.replace(/g\d|a\d/, (k) => gid.get(k) ?? aid.get(k) ?? k);
          const texts = resources.map((r) => `https://acme.okta.com/api/v1/${real(r)}`);
          state.roles.set("cr0x", { id: "cr0x", label: "r", description: "", permissions, created: "" });
          state.resourceSets.set("iamx", {
            id: "iamx",
            label: "s",
            description: "",
            created: "",
            resources: texts.map((text, i) => ({
              id: `ire${i}`,
              text,
              parsed: parseFakeResource(text, state.orgId)!,
            })),
          });
          state.assignments.set("irbx", {
            id: "irbx",
            userId: admin.id,
            roleId: "cr0x",
            resourceSetId: "iamx",
            created: "",
          });
          const subject: OktaSubject =
            who.type === "user"
              ? {
                  type: "user",
                  id: users[who.i].id,
                  groups: groups.filter((g) => memberships[who.i].includes(g)).map((g) => gid.get(g)!),
                }
              : who.type === "group"
                ? { type: "group", id: gid.get(groups[who.i])! }
                : { type: "app", id: aid.get(apps[who.i])! };
          const mine = evaluateOkta(
            { permissions, resources: resources.map((r) => parseOktaResource(real(r))!) },
            asked,
            subject,
          );
          expect(mine.allowed).toBe(
            mayPerform(state, admin.id, asked, { type: subject.type, id: subject.id }),
          );
        },
      ),
      { seed: 1313, numRuns: 400 },
    );
  });
});

describe("Okta permission catalog and role builder", () => {
  it("lists each documented permission once, by Okta's spelling", () => {
    const names = OKTA_PERMISSIONS.map(([n]) => n);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(OKTA_PERMISSION);
    expect(names).toEqual(
      expect.arrayContaining([
        RESET,
        "okta.users.read",
        "okta.users.lifecycle.unlock",
        "okta.apps.assignment.manage",
      ]),
    );
  });

  it("names the role by its permissions only, and the resources in the binding scope", () => {
    const a = buildOktaRole([RESET], oktaResourcesFor([RESET], { kind: "group", id: "00gA" }));
    const b = buildOktaRole([RESET], oktaResourcesFor([RESET], { kind: "group", id: "00gB" }));
    expect(a.roleName).toBe(b.roleName);
    expect(a.binding.scope).toBe("/api/v1/groups/00gA/users");
    expect(resourcePath(parseOktaResource("groups/00gA")!)).toBe("/api/v1/groups/00gA");
  });

  it("refuses resources and permissions that do not fit, naming the field", () => {
    expect(() => buildOktaRole([RESET], [{ kind: "group", groupId: "00gA" }])).toThrow(
      /resetPassword do not act on \/api\/v1\/groups\/00gA/,
    );
    expect(parseOktaResource("groups/../users")).toBeNull();
    const both = oktaResourcesFor([RESET, "okta.groups.read"], { kind: "group", id: "00gA" });
    expect(buildOktaRole([RESET, "okta.groups.read"], both).binding.scope).toBe(
      "/api/v1/groups/00gA/users /api/v1/groups/00gA",
    );
    expect(() => buildOktaRole(["okta.policies.manage"], null)).toThrow(/user, group or app permission/);
    expect(buildOktaRole([RESET], null).wide).toHaveLength(1);
  });
});
