import { describe, expect, it } from "vitest";
import { GROUP_RULES } from "./groups";
import { applyPatch } from "./patch";
import { PATCH_SCHEMA, PatchRequest, parseScim, ScimUserInput } from "./schemas";
import { USER_RULES } from "./users";

const patch = (ops: unknown[]) => parseScim(PatchRequest, { schemas: [PATCH_SCHEMA], Operations: ops });
const user = () => ({
  id: "u1",
  userName: "ada@acme.example",
  name: { givenName: "Ada", familyName: "Lovelace" },
  active: true,
  emails: [{ value: "ada@acme.example", type: "work", primary: true }],
  meta: { resourceType: "User" },
});
const group = () => ({
  id: "g1",
  displayName: "dba",
  members: [{ value: "a" }, { value: "b" }],
});

describe("SCIM PATCH (RFC 7644 §3.5.2, Okta and Entra ID forms)", () => {
  it("Okta: replace without a path, value object {active:false}", () => {
    const out = applyPatch(user(), patch([{ op: "replace", value: { active: false } }]), USER_RULES);
    expect(out.active).toBe(false);
  });

  it("Entra: capitalised op, string boolean, dotted and filtered paths", () => {
    const out = applyPatch(
      user(),
      patch([
        { op: "Replace", path: "active", value: "False" },
        { op: "Replace", path: "name.familyName", value: "Byron" },
        { op: "Replace", path: 'emails[type eq "work"].value', value: "ada.byron@acme.example" },
        { op: "Add", value: { "name.givenName": "Augusta", displayName: "Augusta Ada" } },
      ]),
      USER_RULES,
    );
    expect(out).toMatchObject({
      active: "False",
      name: { givenName: "Augusta", familyName: "Byron" },
      displayName: "Augusta Ada",
      emails: [{ value: "ada.byron@acme.example", type: "work", primary: true }],
    });
    // The string boolean is the schema's to coerce, as for a PUT.
    expect(parseScim(ScimUserInput, out).active).toBe(false);
  });

  it("members: add a list, remove by filter (Okta), remove by value list (Entra), replace all", () => {
    const add = applyPatch(
      group(),
      patch([{ op: "add", path: "members", value: [{ value: "c" }, { value: "a" }] }]),
      GROUP_RULES,
    );
    expect((add.members as { value: string }[]).map((m) => m.value)).toEqual(["a", "b", "c"]);
    const okta = applyPatch(group(), patch([{ op: "remove", path: 'members[value eq "a"]' }]), GROUP_RULES);
    expect(okta.members).toEqual([{ value: "b" }]);
    const entra = applyPatch(
      group(),
      patch([{ op: "Remove", path: "members", value: [{ $ref: null, value: "b" }] }]),
      GROUP_RULES,
    );
    expect(entra.members).toEqual([{ value: "a" }]);
    const all = applyPatch(
      group(),
      patch([{ op: "replace", path: "members", value: [{ value: "z" }] }]),
      GROUP_RULES,
    );
    expect(all.members).toEqual([{ value: "z" }]);
    const none = applyPatch(group(), patch([{ op: "remove", path: "members" }]), GROUP_RULES);
    expect(none.members).toBeUndefined();
    // Okta's group rename: replace without a path, with the id it already has.
    const renamed = applyPatch(
      group(),
      patch([{ op: "replace", value: { id: "g1", displayName: "dba-prod" } }]),
      GROUP_RULES,
    );
    expect(renamed.displayName).toBe("dba-prod");
  });

  it("refuses what it cannot do, with the RFC's scimType", () => {
    expect(() =>
      applyPatch(user(), patch([{ op: "replace", path: "id", value: "other" }]), USER_RULES),
    ).toThrowError(expect.objectContaining({ status: 400, scimType: "mutability" }));
    expect(() =>
      applyPatch(
        user(),
        patch([{ op: "replace", path: 'emails[type eq "home"].value', value: "x@y.z" }]),
        USER_RULES,
      ),
    ).toThrowError(expect.objectContaining({ scimType: "noTarget" }));
    expect(() => applyPatch(user(), patch([{ op: "remove" }]), USER_RULES)).toThrowError(
      expect.objectContaining({ scimType: "noTarget" }),
    );
    expect(() =>
      applyPatch(user(), patch([{ op: "add", path: "emails[type eq", value: 1 }]), USER_RULES),
    ).toThrowError(expect.objectContaining({ scimType: "invalidPath" }));
    expect(() => patch([{ op: "move", path: "active" }])).toThrowError(
      expect.objectContaining({ scimType: "invalidValue" }),
    );
    expect(() => parseScim(PatchRequest, { Operations: [{ op: "add" }] }, true)).toThrowError(
      expect.objectContaining({ scimType: "invalidSyntax" }),
    );
  });

  it("does not change the resource it was given", () => {
    const before = user();
    applyPatch(before, patch([{ op: "replace", path: "active", value: false }]), USER_RULES);
    expect(before.active).toBe(true);
  });
});
