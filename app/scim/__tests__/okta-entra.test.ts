import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, memberships, users } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { apiTokenFor, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import * as groupRoute from "../v2/Groups/[id]/route";
import * as groupsRoute from "../v2/Groups/route";
import * as resourceTypesRoute from "../v2/ResourceTypes/route";
import * as schemasRoute from "../v2/Schemas/route";
import * as configRoute from "../v2/ServiceProviderConfig/route";
import * as userRoute from "../v2/Users/[id]/route";
import * as usersRoute from "../v2/Users/route";
import { PATCH_OP, q, scim, scimToken } from "./helpers";

/**
 * The requests Okta and Entra ID send when provisioning, in their order, with their bodies:
 * - Okta: https://developer.okta.com/docs/reference/scim/scim-20/ (Create the user, Retrieve, Update a
 *   specific user (PUT of the whole user), Update a specific user (PATCH `replace` of `{active:false}`),
 *   Groups: create, rename by PATCH value object, add and remove members, `members[value eq "…"]`).
 * - Entra ID: https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 *   (request/response examples, user and group operations) and the known quirks in
 *   https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 *   (capitalised ops, `"active": "False"` string booleans, value objects without a path).
 */
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const db = setupApiDatabase();
let org: SeededOrg;
let token: string;

beforeAll(async () => {
  org = await createTestOrg(db());
  token = await scimToken(db(), org.org.id);
});

const actions = async (subjectId: string) =>
  (
    await db()
      .select({ action: auditEvents.action, actorType: auditEvents.actorType, actorId: auditEvents.actorId })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.subjectId, subjectId)))
      .orderBy(auditEvents.id)
  ).map((a) => `${a.actorType}:${a.actorId} ${a.action}`);

describe("Okta's provisioning sequence", () => {
  it("creates, reads, replaces (PUT of the whole user), deactivates and reactivates a user", async () => {
    const empty = await scim(
      usersRoute.GET,
      "GET",
      `/Users${q('userName eq "test.user@okta.local"', "&startIndex=1&count=100")}`,
      { token },
    );
    expect(empty.status).toBe(200);
    expect(empty.type).toMatch(/^application\/scim\+json/);
    expect(empty.json).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });

    const oktaUser = {
      schemas: [USER],
      userName: "test.user@okta.local",
      name: { givenName: "Test", familyName: "User" },
      emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
      displayName: "Test User",
      locale: "en-US",
      externalId: "00ujl29u0le5T6Aj10h7",
      groups: [],
      password: "1mz050nq",
      active: true,
    };
    const created = await scim(usersRoute.POST, "POST", "/Users", { token, body: oktaUser });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json).toMatchObject({
      schemas: [USER],
      userName: "test.user@okta.local",
      externalId: "00ujl29u0le5T6Aj10h7",
      active: true,
      name: { givenName: "Test", familyName: "User" },
      emails: [{ value: "test.user@okta.local", primary: true }],
      meta: { resourceType: "User", location: `https://elevate.example/scim/v2/Users/${id}` },
    });
    expect(created.json).not.toHaveProperty("password");
    const [row] = await db().select().from(users).where(eq(users.id, id));
    expect(row).toMatchObject({
      orgId: org.org.id,
      email: "test.user@okta.local",
      name: "Test User",
      disabledAt: null,
    });

    // Okta checks for the user before it creates, and again by filter afterwards.
    const again = await scim(usersRoute.POST, "POST", "/Users", { token, body: oktaUser });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "409",
      scimType: "uniqueness",
    });
    const found = await scim(usersRoute.GET, "GET", `/Users${q('userName eq "TEST.USER@okta.local"')}`, {
      token,
    });
    expect(found.json.totalResults).toBe(1);
    expect(found.json.Resources[0].id).toBe(id);

    const got = await scim(userRoute.GET, "GET", `/Users/${id}`, { token, params: { id } });
    expect(got.status).toBe(200);

    // PUT of the whole user, as Okta sends on every profile push (id, groups and meta included).
    const put = await scim(userRoute.PUT, "PUT", `/Users/${id}`, {
      token,
      params: { id },
      body: { ...got.json, name: { givenName: "Another", familyName: "User" }, displayName: "Another User" },
    });
    expect(put.status).toBe(200);
    expect(put.json.name.givenName).toBe("Another");
    expect(put.json.meta.version).toBe('W/"2"');

    const off = await scim(userRoute.PATCH, "PATCH", `/Users/${id}`, {
      token,
      params: { id },
      body: { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] },
    });
    expect(off.status).toBe(200);
    expect(off.json.active).toBe(false);
    expect((await db().select().from(users).where(eq(users.id, id)))[0].disabledAt).not.toBeNull();

    // A PUT without `active` does not reactivate.
    const { active: _active, ...withoutActive } = put.json;
    const partial = await scim(userRoute.PUT, "PUT", `/Users/${id}`, {
      token,
      params: { id },
      body: withoutActive,
    });
    expect(partial.json.active).toBe(false);
    expect((await db().select().from(users).where(eq(users.id, id)))[0].disabledAt).not.toBeNull();

    const on = await scim(userRoute.PATCH, "PATCH", `/Users/${id}`, {
      token,
      params: { id },
      body: { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: true } }] },
    });
    expect(on.json.active).toBe(true);
    expect((await db().select().from(users).where(eq(users.id, id)))[0].disabledAt).toBeNull();
    expect(await actions(id)).toEqual([
      "system:directory scim.user_created",
      "system:directory scim.user_updated",
      "system:directory scim.user_updated",
      "system:directory user.disabled",
      "system:directory person.frozen",
      "system:directory person.freeze_applied",
      "system:directory scim.user_updated",
      "system:directory scim.user_updated",
      "system:directory user.enabled",
    ]);
  });

  it("pushes a group: create, rename by value object, add and remove members one at a time, delete", async () => {
    const member = await scim(usersRoute.POST, "POST", "/Users", {
      token,
      body: {
        schemas: [USER],
        userName: "grace@okta.local",
        emails: [{ value: "grace@okta.local", primary: true }],
        active: true,
      },
    });
    const uid = member.json.id as string;
    const created = await scim(groupsRoute.POST, "POST", "/Groups", {
      token,
      body: { schemas: [GROUP], displayName: "Test SCIMv2", members: [] },
    });
    expect(created.status).toBe(201);
    const gid = created.json.id as string;
    expect(created.json).toMatchObject({ displayName: "Test SCIMv2", members: [] });

    const renamed = await scim(groupRoute.PATCH, "PATCH", `/Groups/${gid}`, {
      token,
      params: { id: gid },
      body: {
        schemas: [PATCH_OP],
        Operations: [{ op: "replace", value: { id: gid, displayName: "Test SCIMv2 renamed" } }],
      },
    });
    expect(renamed.json.displayName).toBe("Test SCIMv2 renamed");

    const added = await scim(groupRoute.PATCH, "PATCH", `/Groups/${gid}`, {
      token,
      params: { id: gid },
      body: {
        schemas: [PATCH_OP],
        Operations: [{ op: "add", path: "members", value: [{ value: uid, display: "grace@okta.local" }] }],
      },
    });
    expect(added.json.members).toEqual([
      { value: uid, display: "grace@okta.local", $ref: `https://elevate.example/scim/v2/Users/${uid}` },
    ]);
    const byMember = await scim(groupsRoute.GET, "GET", `/Groups${q(`members[value eq "${uid}"]`)}`, {
      token,
    });
    expect(byMember.json.Resources.map((g: { id: string }) => g.id)).toEqual([gid]);
    const userView = await scim(userRoute.GET, "GET", `/Users/${uid}`, { token, params: { id: uid } });
    expect(userView.json.groups).toMatchObject([{ value: gid, display: "Test SCIMv2 renamed" }]);

    const removed = await scim(groupRoute.PATCH, "PATCH", `/Groups/${gid}`, {
      token,
      params: { id: gid },
      body: { schemas: [PATCH_OP], Operations: [{ op: "remove", path: `members[value eq "${uid}"]` }] },
    });
    expect(removed.json.members).toEqual([]);
    expect(await db().select().from(memberships).where(eq(memberships.groupId, gid))).toEqual([]);

    const listed = await scim(
      groupsRoute.GET,
      "GET",
      `/Groups${q('displayName eq "test scimv2 renamed"', "&startIndex=1&count=100")}`,
      { token },
    );
    expect(listed.json.totalResults).toBe(1);
    const gone = await scim(groupRoute.DELETE, "DELETE", `/Groups/${gid}`, { token, params: { id: gid } });
    expect(gone.status).toBe(204);
    expect((await scim(groupRoute.GET, "GET", `/Groups/${gid}`, { token, params: { id: gid } })).status).toBe(
      404,
    );
  });
});

describe("Entra ID's provisioning sequence", () => {
  it("creates a user with extension schemas, updates by PATCH paths, disables with a string boolean, deletes", async () => {
    const userName = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1";
    expect(
      (await scim(usersRoute.GET, "GET", `/Users${q(`userName eq "${userName}"`)}`, { token })).json
        .totalResults,
    ).toBe(0);
    const created = await scim(usersRoute.POST, "POST", "/Users", {
      token,
      body: {
        schemas: [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        userName,
        active: true,
        emails: [
          {
            primary: true,
            type: "work",
            value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com",
          },
        ],
        meta: { resourceType: "User" },
        name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
        roles: [],
      },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json.emails[0].value).toBe("test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com");

    const byExternal = await scim(
      usersRoute.GET,
      "GET",
      `/Users${q('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`,
      { token },
    );
    expect(byExternal.json.Resources.map((u: { id: string }) => u.id)).toEqual([id]);

    const multi = await scim(userRoute.PATCH, "PATCH", `/Users/${id}`, {
      token,
      params: { id },
      body: {
        schemas: [PATCH_OP],
        Operations: [
          { op: "Replace", path: 'emails[type eq "work"].value', value: "updatedEmail@microsoft.com" },
          { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
        ],
      },
    });
    expect(multi.status).toBe(200);
    expect(multi.json).toMatchObject({
      emails: [{ value: "updatedemail@microsoft.com" }],
      name: { familyName: "updatedFamilyName" },
    });
    const single = await scim(userRoute.PATCH, "PATCH", `/Users/${id}`, {
      token,
      params: { id },
      body: {
        schemas: [PATCH_OP],
        Operations: [
          { op: "Replace", path: "userName", value: "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" },
        ],
      },
    });
    expect(single.json.userName).toBe("5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com");
    // A value object without a path, with a dotted key (Entra's older PATCH form).
    const valueObject = await scim(userRoute.PATCH, "PATCH", `/Users/${id}`, {
      token,
      params: { id },
      body: {
        schemas: [PATCH_OP],
        Operations: [{ op: "Add", value: { "name.givenName": "Grace", displayName: "Grace H" } }],
      },
    });
    expect(valueObject.json).toMatchObject({ name: { givenName: "Grace" }, displayName: "Grace H" });

    const disabled = await scim(userRoute.PATCH, "PATCH", `/Users/${id}`, {
      token,
      params: { id },
      body: { Operations: [{ op: "Replace", path: "active", value: "False" }], schemas: [PATCH_OP] },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.json.active).toBe(false);
    expect((await db().select().from(users).where(eq(users.id, id)))[0].disabledAt).not.toBeNull();

    const deleted = await scim(userRoute.DELETE, "DELETE", `/Users/${id}`, { token, params: { id } });
    expect(deleted.status).toBe(204);
    const after = await scim(userRoute.GET, "GET", `/Users/${id}`, { token, params: { id } });
    expect(after.status).toBe(404);
    expect(after.json).toMatchObject({
      status: "404",
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
    });
    expect((await actions(id)).filter((a) => a.includes("scim.user_deleted"))).toEqual([
      "system:directory scim.user_deleted",
    ]);
  });

  it("creates a group, finds it by displayName without members, renames it, adds and removes members by value lists", async () => {
    const u = await scim(usersRoute.POST, "POST", "/Users", {
      token,
      body: { schemas: [USER], userName: "linus@contoso.example", active: true },
    });
    const uid = u.json.id as string;
    const created = await scim(groupsRoute.POST, "POST", "/Groups", {
      token,
      body: {
        schemas: [GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
        externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        displayName: "displayName",
        meta: { resourceType: "Group" },
      },
    });
    expect(created.status).toBe(201);
    const gid = created.json.id as string;
    const found = await scim(
      groupsRoute.GET,
      "GET",
      `/Groups${q('displayName eq "displayName"', "&excludedAttributes=members")}`,
      { token },
    );
    expect(found.json.totalResults).toBe(1);
    expect(found.json.Resources[0]).not.toHaveProperty("members");

    const patch = (Operations: unknown[]) =>
      scim(groupRoute.PATCH, "PATCH", `/Groups/${gid}`, {
        token,
        params: { id: gid },
        body: { schemas: [PATCH_OP], Operations },
      });
    expect(
      (
        await patch([
          {
            op: "Replace",
            path: "displayName",
            value: "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName",
          },
        ])
      ).json.displayName,
    ).toBe("1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName");
    expect(
      (await patch([{ op: "Add", path: "members", value: [{ $ref: null, value: uid }] }])).json.members,
    ).toHaveLength(1);
    expect(
      (await patch([{ op: "Remove", path: "members", value: [{ $ref: null, value: uid }] }])).json.members,
    ).toEqual([]);
    const unknown = await patch([{ op: "Add", path: "members", value: [{ value: "f648f8d5ea4e4cd38e9c" }] }]);
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({
      scimType: "invalidValue",
      detail: expect.stringContaining("members"),
    });
  });
});

describe("the SCIM boundary", () => {
  it("answers only the organization's current SCIM token; API tokens and revoked tokens get 401", async () => {
    const none = await scim(usersRoute.GET, "GET", "/Users");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(none.json).toMatchObject({
      status: "401",
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
    });
    const api = await apiTokenFor(db(), org, "admin");
    expect((await scim(usersRoute.GET, "GET", "/Users", { token: api })).status).toBe(401);
    const other = await createTestOrg(db());
    const old = await scimToken(db(), other.org.id);
    const fresh = await scimToken(db(), other.org.id);
    expect((await scim(usersRoute.GET, "GET", "/Users", { token: old })).status).toBe(401);
    // Tenants: the other org's token sees none of this org's users, and this org's ids answer 404.
    const mine = await scim(usersRoute.GET, "GET", "/Users", { token });
    expect(mine.json.totalResults).toBeGreaterThan(0);
    const theirs = await scim(usersRoute.GET, "GET", "/Users", { token: fresh });
    expect(theirs.json.totalResults).toBe(0);
    const id = mine.json.Resources[0].id as string;
    expect((await scim(userRoute.GET, "GET", `/Users/${id}`, { token: fresh, params: { id } })).status).toBe(
      404,
    );
    const put = await scim(userRoute.PUT, "PUT", `/Users/${id}`, {
      token: fresh,
      params: { id },
      body: { schemas: [USER], userName: "x@y.example", active: false },
    });
    expect(put.status).toBe(404);
    expect((await db().select().from(users).where(eq(users.id, id)))[0].disabledAt).toBeNull();
  });

  it("answers bad input with SCIM errors naming the field, and changes nothing", async () => {
    const badFilter = await scim(usersRoute.GET, "GET", `/Users${q("userName eq")}`, { token });
    expect(badFilter.status).toBe(400);
    expect(badFilter.json).toMatchObject({ scimType: "invalidFilter", status: "400" });
    const noName = await scim(usersRoute.POST, "POST", "/Users", {
      token,
      body: { schemas: [USER], active: true },
    });
    expect(noName.status).toBe(400);
    expect(noName.json).toMatchObject({
      scimType: "invalidValue",
      detail: expect.stringContaining("userName"),
    });
    const noMail = await scim(usersRoute.POST, "POST", "/Users", {
      token,
      body: { schemas: [USER], userName: "no-mail" },
    });
    expect(noMail.json.detail).toContain("emails");
    const notJson = await scim(usersRoute.POST, "POST", "/Users", {
      token,
      body: "x",
      contentType: "text/plain",
    });
    expect(notJson.status).toBe(415);
    const badActive = await scim(usersRoute.POST, "POST", "/Users", {
      token,
      body: { schemas: [USER], userName: "z@z.example", active: "maybe" },
    });
    expect(badActive.json).toMatchObject({ status: "400", detail: expect.stringContaining("active") });
    expect(await db().select().from(users).where(eq(users.email, "z@z.example"))).toEqual([]);
    const notAnId = await scim(userRoute.GET, "GET", "/Users/nope", { token, params: { id: "nope" } });
    expect(notAnId.status).toBe(404);
  });

  it("serves ServiceProviderConfig, ResourceTypes and Schemas", async () => {
    const config = await scim(configRoute.GET, "GET", "/ServiceProviderConfig", { token });
    expect(config.json).toMatchObject({
      patch: { supported: true },
      filter: { supported: true },
      bulk: { supported: false },
    });
    const types = await scim(resourceTypesRoute.GET, "GET", "/ResourceTypes", { token });
    expect(types.json.Resources.map((r: { id: string }) => r.id)).toEqual(["User", "Group"]);
    const schemas = await scim(schemasRoute.GET, "GET", "/Schemas", { token });
    expect(schemas.json.Resources.map((s: { id: string }) => s.id)).toEqual([USER, GROUP]);
  });

  it("pages lists with startIndex and count", async () => {
    const all = await scim(usersRoute.GET, "GET", "/Users", { token });
    const total = all.json.totalResults as number;
    expect(total).toBeGreaterThanOrEqual(3);
    const page = await scim(usersRoute.GET, "GET", "/Users?startIndex=2&count=1", { token });
    expect(page.json).toMatchObject({ totalResults: total, startIndex: 2, itemsPerPage: 1 });
    expect(page.json.Resources[0].id).toBe(all.json.Resources[1].id);
    const zero = await scim(usersRoute.GET, "GET", "/Users?count=0", { token });
    expect(zero.json).toMatchObject({ totalResults: total, itemsPerPage: 0, Resources: [] });
  });
});
