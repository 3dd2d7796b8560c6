import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_OKTA_TOKEN, type FakeOkta, startFakeOkta } from ".";

// Error bodies and codes: https://developer.okta.com/docs/reference/error-codes/
// Pagination and rate-limit headers: https://developer.okta.com/docs/api/#pagination,
// https://developer.okta.com/docs/reference/rl-best-practices/
let fake: FakeOkta;
beforeAll(async () => {
  fake = await startFakeOkta();
});
afterAll(() => fake.stop());

async function call(method: string, path: string, body?: unknown, token = FAKE_OKTA_TOKEN) {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      authorization: `SSWS ${token}`,
      "content-type": "application/json",
      accept: "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe("the Okta fake speaks Okta's wire format", () => {
  it("answers a bad token 401 E0000011 and a missing role 404 E0000007, in Okta's error shape", async () => {
    const bad = await call("GET", "/api/v1/iam/roles", undefined, "wrong");
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({
      errorCode: "E0000011",
      errorSummary: expect.any(String),
      errorCauses: [],
    });
    const missing = await call("GET", "/api/v1/iam/roles/nope");
    expect(missing).toMatchObject({ status: 404, body: { errorCode: "E0000007" } });
    expect(missing.headers.get("x-okta-request-id")).toBeTruthy();
  });

  it("validates roles and resource sets with E0000001 naming the field", async () => {
    const noPerms = await call("POST", "/api/v1/iam/roles", {
      label: "x",
      description: "d",
      permissions: [],
    });
    expect(noPerms).toMatchObject({ status: 400, body: { errorCode: "E0000001" } });
    expect(noPerms.body.errorCauses[0].errorSummary).toContain("permissions");
    const badResource = await call("POST", "/api/v1/iam/resource-sets", {
      label: "s",
      description: "d",
      resources: ["https://acme.okta.com/api/v1/elsewhere"],
    });
    expect(badResource).toMatchObject({ status: 400, body: { errorCode: "E0000001" } });
  });

  it("refuses a duplicate assignment 409 E0000090 and pages a user's roles with Link rel=next", async () => {
    const user = fake.state.addUser("pat@acme.example");
    const group = fake.state.addGroup("g", [user]);
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const role = await call("POST", "/api/v1/iam/roles", {
        label: `r${n}`,
        description: "d",
        permissions: ["okta.users.read"],
      });
      const set = await call("POST", "/api/v1/iam/resource-sets", {
        label: `s${n}`,
        description: "d",
        resources: [`orn:okta:directory:${fake.state.orgId}:groups:${group.id}:contained_resources`],
      });
      const body = { type: "CUSTOM", role: role.body.id, "resource-set": set.body.id };
      const made = await call("POST", `/api/v1/users/${user.id}/roles`, body);
      expect(made.status).toBe(201);
      ids.push(made.body.id);
      if (n === 1)
        expect(await call("POST", `/api/v1/users/${user.id}/roles`, body)).toMatchObject({
          status: 409,
          body: { errorCode: "E0000090" },
        });
    }
    const first = await call("GET", `/api/v1/users/${user.login}/roles`);
    expect(first.body).toHaveLength(fake.state.pageSize);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("link") ?? "")?.[1];
    expect(next).toBeDefined();
    const second = await call("GET", new URL(next!).pathname + new URL(next!).search);
    expect([...first.body, ...second.body].map((a: { id: string }) => a.id).sort()).toEqual(ids.sort());
    expect(second.headers.get("link")).toBeNull();
  });

  it("counts requests per bucket in X-Rate-Limit-* and answers 429 E0000047 over the limit", async () => {
    fake.state.rateLimit = 2;
    fake.state.resetRateLimits();
    const a = await call("GET", "/api/v1/iam/resource-sets");
    expect(a.status).toBe(200);
    expect(a.headers.get("x-rate-limit-limit")).toBe("2");
    expect(a.headers.get("x-rate-limit-remaining")).toBe("1");
    expect((await call("GET", "/api/v1/iam/resource-sets")).status).toBe(200);
    const over = await call("GET", "/api/v1/iam/resource-sets");
    fake.state.rateLimit = 600;
    expect(over).toMatchObject({ status: 429, body: { errorCode: "E0000047" } });
    expect(over.headers.get("x-rate-limit-remaining")).toBe("0");
    expect(Number(over.headers.get("x-rate-limit-reset")) * 1000).toBeGreaterThan(Date.now());
  });
});
