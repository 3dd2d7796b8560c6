import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGcp, GCP_LIMITS, startFakeGcp } from "./index";
import { callFake, type GoogleError } from "./testing";

// Each rule cites the Google page that documents it.
const DOCS = {
  conditions: "https://cloud.google.com/iam/docs/conditions-overview#limitations",
  customRoles: "https://cloud.google.com/iam/docs/creating-custom-roles",
  support: "https://cloud.google.com/iam/docs/custom-roles-permissions-support",
  rolesApi: "https://cloud.google.com/iam/docs/reference/rest/v1/projects.roles",
};
const DAY = 86_400_000;

let fake: FakeGcp;
beforeAll(async () => {
  fake = await startFakeGcp();
});
afterAll(() => fake.stop());

const call = (method: string, path: string, body?: unknown) => callFake(fake.url, method, path, body);
const newProject = () => `proj-${randomUUID().slice(0, 8)}`;
const createRole = (project: string, roleId: string, role: Record<string, unknown> = {}) =>
  call("POST", `/v1/projects/${project}/roles`, {
    roleId,
    role: { title: "t", includedPermissions: ["logging.logs.list"], ...role },
  });
const deleteRole = (project: string, roleId: string) =>
  call("DELETE", `/v1/projects/${project}/roles/${roleId}`);

/** Google's error body and nothing else: `{ error: { code, message, status } }`. */
function expectRefused(r: { status: number; body: GoogleError }, status = "INVALID_ARGUMENT") {
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ error: { code: 400, status, message: expect.any(String) } });
}

describe(`roles.create refuses what IAM refuses (${DOCS.customRoles}, ${DOCS.rolesApi})`, () => {
  it("refuses a permission whose custom-role support level is NOT_SUPPORTED", async () => {
    // DOCS.support: NOT_SUPPORTED permissions cannot be included in custom roles.
    const p = newProject();
    const partner = await createRole(p, "r_partner", {
      includedPermissions: ["logging.logs.list", "cloudonefs.isiloncloud.com/clusters.list"],
    });
    expectRefused(partner);
    expect(partner.body.error.message).toBe(
      "Permission cloudonefs.isiloncloud.com/clusters.list is not supported in custom roles.",
    );
    // The catalog a test loads decides; TESTING permissions are accepted (with Google's warning).
    const before = fake.state.testablePermissions;
    fake.state.testablePermissions = [
      { name: "compute.instances.list" },
      { name: "compute.instances.getSerialPortOutput", customRolesSupportLevel: "TESTING" },
      { name: "compute.instances.setIamPolicy", customRolesSupportLevel: "NOT_SUPPORTED" },
    ];
    try {
      expectRefused(await createRole(p, "r_ns", { includedPermissions: ["compute.instances.setIamPolicy"] }));
      const ok = ["compute.instances.list", "compute.instances.getSerialPortOutput"];
      expect((await createRole(p, "r_ok", { includedPermissions: ok })).status).toBe(200);
    } finally {
      fake.state.testablePermissions = before;
    }
  });

  it("refuses more than 3,000 permissions", async () => {
    // DOCS.customRoles: a custom role can contain up to 3,000 permissions.
    const perms = (n: number) => Array.from({ length: n }, (_, i) => `svc.res${i}.get`);
    const p = newProject();
    expectRefused(await createRole(p, "r_big", { includedPermissions: perms(3_001) }));
    expect((await createRole(p, "r_max", { includedPermissions: perms(3_000) })).status).toBe(200);
  });

  it("refuses a role id outside [a-zA-Z0-9_.]{3,64}", async () => {
    // DOCS.rolesApi (roleId): letters, digits, underscores and periods, 3 to 64 characters.
    const p = newProject();
    for (const id of ["ab", "a".repeat(65), "has-dash", "has space", "ünï"]) {
      expectRefused(await createRole(p, id));
    }
    expect((await createRole(p, `A.b_9${"x".repeat(59)}`)).status).toBe(200);
  });

  it("refuses a title over 100 characters and a description over 300", async () => {
    // DOCS.customRoles: title up to 100 characters, description up to 300 characters.
    const p = newProject();
    expectRefused(await createRole(p, "r_title", { title: "t".repeat(101) }));
    expectRefused(await createRole(p, "r_desc", { description: "d".repeat(301) }));
    const atLimit = { title: "t".repeat(100), description: "d".repeat(300) };
    expect((await createRole(p, "r_limits", atLimit)).status).toBe(200);
  });

  it("counts deleted roles toward the 300-role quota for 7 days, then frees the slot", async () => {
    // DOCS.rolesApi (delete): a deleted custom role counts toward the limit until permanently deleted (7 days).
    const p = newProject();
    for (let i = 0; i < GCP_LIMITS.rolesPerProject; i++) {
      expect((await createRole(p, `r_${i}`)).status).toBe(200);
    }
    expect((await deleteRole(p, "r_0")).status).toBe(200);
    const full = await createRole(p, "r_new");
    expectRefused(full, "FAILED_PRECONDITION");
    expect(full.body.error.message).toMatch(/maximum number of custom roles \(300\)/);
    fake.state.project(p).deletedAt.set("r_0", Date.now() - 7 * DAY - 1);
    expect((await createRole(p, "r_new")).status).toBe(200);
  });

  it("never re-creates a deleted id: undelete within 7 days, and the id stays taken until day 37", async () => {
    // DOCS.customRoles: a deleted role can be undeleted for 7 days; its id cannot be reused for 37 days.
    const p = newProject();
    await createRole(p, "r_gone");
    expect((await deleteRole(p, "r_gone")).status).toBe(200);
    expectRefused(await createRole(p, "r_gone"), "FAILED_PRECONDITION");
    const back = await call("POST", `/v1/projects/${p}/roles/r_gone:undelete`, {});
    expect(back).toMatchObject({ status: 200, body: { deleted: false } });

    await deleteRole(p, "r_gone");
    fake.state.project(p).deletedAt.set("r_gone", Date.now() - 8 * DAY);
    expect((await call("GET", `/v1/projects/${p}/roles/r_gone`)).status).toBe(404);
    expect((await call("POST", `/v1/projects/${p}/roles/r_gone:undelete`, {})).status).toBe(404);
    expectRefused(await createRole(p, "r_gone"), "FAILED_PRECONDITION");
    fake.state.project(p).deletedAt.set("r_gone", Date.now() - 38 * DAY);
    expect((await createRole(p, "r_gone")).status).toBe(200);
  });
});
