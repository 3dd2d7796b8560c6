import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakePagerDuty, startFakePagerDuty } from "../fake/pagerduty";
import { createPagerDutyDirectory, pagerDutyEndpointProblem } from "../pagerduty";
import { isOnCallForAll } from "../port";

// The adapter speaks PagerDuty REST API v2 to a loopback wire fake of the two endpoints it uses
// (https://developer.pagerduty.com/api-reference/165ad96a22ffd-get-a-service,
//  https://developer.pagerduty.com/api-reference/3a6b910f11050-list-all-of-the-on-calls).

let pd: FakePagerDuty;
beforeAll(async () => {
  pd = await startFakePagerDuty({ token: "pd-test-token" });
  pd.services.set("PSVC1", "PEP1");
  pd.services.set("PSVC2", "PEP2");
  // More than one page (the adapter asks 100 at a time): the on-call person is on the second page.
  pd.onCall.set(
    "PEP1",
    Array.from({ length: 120 }, (_, i) => ({
      id: `PU${i}`,
      email: `person${i}@acme.example`,
      name: `P ${i}`,
    })),
  );
  pd.onCall.set("PEP2", [{ id: "PUX", email: "Riley@Acme.example", name: "Riley" }]);
});
afterAll(async () => pd?.stop());

describe("PagerDuty on-call adapter", () => {
  it("reads the service's escalation policy, then every page of its on-calls with users included", async () => {
    const dir = createPagerDutyDirectory({ token: "pd-test-token", baseUrl: pd.url });
    const before = pd.calls.length;
    const emails = await dir.onCallEmails("PSVC1");
    expect(emails.size).toBe(120);
    expect(emails.has("person110@acme.example")).toBe(true);
    const calls = pd.calls.slice(before);
    expect(calls.map((c) => c.path)).toEqual(["/services/PSVC1", "/oncalls", "/oncalls"]);
    expect(calls[1].query.getAll("escalation_policy_ids[]")).toEqual(["PEP1"]);
    expect(calls[1].query.getAll("include[]")).toEqual(["users"]);
    expect(calls[2].query.get("offset")).toBe("100");
  });

  it("caches answers per service for the TTL, then asks again", async () => {
    let clock = 0;
    const dir = createPagerDutyDirectory({
      token: "pd-test-token",
      baseUrl: pd.url,
      ttlMs: 1000,
      now: () => clock,
    });
    const count = () => pd.calls.filter((c) => c.path === "/services/PSVC2").length;
    const start = count();
    await Promise.all([dir.onCallEmails("PSVC2"), dir.onCallEmails("PSVC2")]);
    clock = 999;
    await dir.onCallEmails("PSVC2");
    expect(count() - start).toBe(1);
    clock = 1000;
    await dir.onCallEmails("PSVC2");
    expect(count() - start).toBe(2);
  });

  it("matches people by email case-insensitively; a target without a service is never on call", async () => {
    const dir = createPagerDutyDirectory({ token: "pd-test-token", baseUrl: pd.url });
    expect(await isOnCallForAll(dir, "riley@acme.example", ["PSVC2"])).toBe(true);
    expect(await isOnCallForAll(dir, "riley@acme.example", ["PSVC2", "PSVC1"])).toBe(false);
    expect(await isOnCallForAll(dir, "riley@acme.example", ["PSVC2", null])).toBe(false);
  });

  it("fails on a bad token or unknown service (PagerDuty's error body), without caching the failure", async () => {
    const bad = createPagerDutyDirectory({ token: "wrong", baseUrl: pd.url });
    await expect(bad.onCallEmails("PSVC1")).rejects.toThrow("PagerDuty answered 401: Authentication failed");
    const dir = createPagerDutyDirectory({ token: "pd-test-token", baseUrl: pd.url });
    await expect(dir.onCallEmails("PNOPE")).rejects.toThrow("404");
    pd.services.set("PNOPE", "PEP2");
    expect((await dir.onCallEmails("PNOPE")).has("riley@acme.example")).toBe(true);
  });

  it("calls only the official API or an origin the operator allowlisted (docs/security.md)", () => {
    expect(pagerDutyEndpointProblem("https://api.pagerduty.com")).toBeUndefined();
    // The test environment allowlists http://127.0.0.1:* (vitest.config.ts).
    expect(pagerDutyEndpointProblem(pd.url)).toBeUndefined();
    expect(pagerDutyEndpointProblem("http://10.0.0.5:8080")).toContain("private");
    expect(pagerDutyEndpointProblem("http://169.254.169.254")).toContain("metadata");
    expect(pagerDutyEndpointProblem("https://pagerduty.evil.example")).toContain(
      "ELEVATE_ENDPOINT_ALLOWLIST",
    );
    expect(() => createPagerDutyDirectory({ token: "t", baseUrl: "http://10.0.0.5" })).toThrow("refused");
  });
});
