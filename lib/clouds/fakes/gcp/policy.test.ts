import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGcp, GCP_LIMITS, startFakeGcp } from "./index";
import { callFake, type GoogleError } from "./testing";

// Each rule cites the Google page that documents it.
const DOCS = {
  conditions: "https://cloud.google.com/iam/docs/conditions-overview#limitations",
  rolesApi: "https://cloud.google.com/iam/docs/reference/rest/v1/projects.roles",
};
const DAY = 86_400_000;
const EXPIRY = "request.time < timestamp('2099-01-01T00:00:00Z')";
const BUCKET =
  "resource.name.startsWith('projects/_/buckets/orders-reports/objects/') || " +
  "(resource.type == 'storage.googleapis.com/Bucket' && resource.name == 'projects/_/buckets/orders-reports')";

let fake: FakeGcp;
beforeAll(async () => {
  fake = await startFakeGcp();
});
afterAll(() => fake.stop());

const call = (method: string, path: string, body?: unknown) => callFake(fake.url, method, path, body);

/** A project holding one custom role, and a setter for its whole policy (version 3 unless said). */
async function project() {
  const id = `proj-${randomUUID().slice(0, 8)}`;
  const role = `projects/${id}/roles/r_one`;
  const created = await call("POST", `/v1/projects/${id}/roles`, {
    roleId: "r_one",
    role: { title: "t", includedPermissions: ["storage.objects.get"] },
  });
  expect(created.status).toBe(200);
  const set = (bindings: unknown[], version = 3) =>
    call("POST", `/v3/projects/${id}:setIamPolicy`, { policy: { version, bindings } });
  const bind = (condition: Record<string, unknown>, on = role) =>
    set([{ role: on, members: ["user:bob@example.com"], condition: { title: "elevate:g", ...condition } }]);
  return { id, role, set, bind };
}

function expectInvalid(r: { status: number; body: GoogleError }, message?: RegExp) {
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ error: { code: 400, status: "INVALID_ARGUMENT", message: expect.any(String) } });
  if (message) expect(r.body.error.message).toMatch(message);
}

describe(`setIamPolicy refuses conditions IAM refuses (${DOCS.conditions})`, () => {
  it("accepts an expiry joined to a resource constraint, exactly as sent", async () => {
    const p = await project();
    const expression = `${EXPIRY} && (${BUCKET})`;
    const r = await p.bind({ expression });
    expect(r.status).toBe(200);
    expect(fake.state.project(p.id).bindings[0].condition?.expression).toBe(expression);
  });

  it("refuses an expression that does not parse or type-check as CEL", async () => {
    const p = await project();
    for (const expression of [
      "request.time < timestamp('2099-01-01T00:00:00Z'",
      "resource.name.startsWith(1)",
      "resource.nme == 'x'",
      "resource.name",
      "size(resource.name) > 1",
    ]) {
      expectInvalid(await p.bind({ expression }));
    }
    expect(fake.state.project(p.id).bindings).toEqual([]);
  });

  it("refuses an expression over 12,800 characters", async () => {
    const p = await project();
    const pad = (n: number) => `resource.name == '${"a".repeat(n)}'`;
    const limit = GCP_LIMITS.conditionExpressionChars;
    expectInvalid(await p.bind({ expression: pad(limit - pad(0).length + 1) }), /12800/);
    expect((await p.bind({ expression: pad(limit - pad(0).length) })).status).toBe(200);
  });

  it("refuses more than 12 logical operators (https://cloud.google.com/iam/quotas#limits)", async () => {
    const p = await project();
    const ors = (n: number) =>
      ["resource.name == 'a'", ...Array(n).fill("resource.name == 'b'")].join(" || ");
    expectInvalid(await p.bind({ expression: ors(13) }), /13 logical operators/);
    expect((await p.bind({ expression: ors(12) })).status).toBe(200);
  });

  it("refuses a title over 100 characters (and a missing one)", async () => {
    const p = await project();
    expectInvalid(await p.bind({ expression: EXPIRY, title: "t".repeat(101) }));
    expectInvalid(await p.bind({ expression: EXPIRY, title: "" }));
    expect((await p.bind({ expression: EXPIRY, title: "t".repeat(100) })).status).toBe(200);
  });

  it("refuses conditions on the basic roles Owner, Editor and Viewer", async () => {
    const p = await project();
    for (const basic of ["roles/owner", "roles/editor", "roles/viewer"]) {
      expectInvalid(await p.bind({ expression: EXPIRY }, basic), /basic role/);
    }
    // Without a condition a basic role is an ordinary binding.
    const plain = await p.set([{ role: "roles/viewer", members: ["user:bob@example.com"] }], 1);
    expect(plain.status).toBe(200);
  });

  it("refuses a conditional binding in a policy whose version is not 3", async () => {
    // Policy.version: "Any operation that affects conditional role bindings must specify version 3."
    const p = await project();
    const binding = {
      role: p.role,
      members: ["user:bob@example.com"],
      condition: { title: "c", expression: EXPIRY },
    };
    for (const version of [0, 1, 2]) expectInvalid(await p.set([binding], version), /version 3/);
    expect((await p.set([binding], 3)).status).toBe(200);
  });
});

describe(`a role permanently deleted after 7 days leaves the policy (${DOCS.rolesApi})`, () => {
  it("removes bindings to the role once it is permanently deleted", async () => {
    const p = await project();
    expect((await p.bind({ expression: EXPIRY })).status).toBe(200);
    await call("DELETE", `/v1/projects/${p.id}/roles/r_one`);
    const read = () =>
      call("POST", `/v3/projects/${p.id}:getIamPolicy`, { options: { requestedPolicyVersion: 3 } });
    expect((await read()).body.bindings).toHaveLength(1);
    fake.state.project(p.id).deletedAt.set("r_one", Date.now() - 7 * DAY);
    expect((await read()).body.bindings).toEqual([]);
  });
});
