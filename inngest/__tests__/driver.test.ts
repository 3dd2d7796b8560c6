import { Inngest } from "inngest";
import { describe, expect, it } from "vitest";
import type { Env } from "@/lib/env";
import { createInngestDriver, inngestClientOptions } from "@/lib/workflows/inngest-driver";

const ORG = "00000000-0000-4000-8000-000000000001";
const REQ = "00000000-0000-4000-8000-000000000002";
const G1 = "00000000-0000-4000-8000-000000000003";
const G2 = "00000000-0000-4000-8000-000000000004";

type Sent = { url: string; body: { id: string; name: string; data: Record<string, unknown> }[] };

/** An Inngest client whose event API is a recorder (the real SDK builds and sends the request). */
function recordingClient(fail = false) {
  const sent: Sent[] = [];
  const fakeFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    if (fail) throw new TypeError("fetch failed: connect ECONNREFUSED");
    sent.push({ url: String(input), body: JSON.parse(String(init?.body)) });
    return Response.json({ ids: ["x"], status: 200 });
  };
  const client = new Inngest({
    id: "elevate",
    isDev: true,
    baseUrl: "http://127.0.0.1:8288",
    fetch: fakeFetch as typeof fetch,
  });
  return { client, sent };
}

describe("createInngestDriver", () => {
  it("sends each dispatched event as a typed Inngest event with a deterministic id", async () => {
    const { client, sent } = recordingClient();
    const driver = createInngestDriver({ client });
    expect(driver.kind).toBe("inngest");
    await driver.dispatch([
      { name: "request.approved", orgId: ORG, requestId: REQ, grantIds: [G1, G2] },
      { name: "grant.revoke.requested", orgId: ORG, grantId: G1 },
      { name: "grant.extended", orgId: ORG, grantId: G2, expiresAt: "2030-01-01T00:00:00.000Z" },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toMatch(/^http:\/\/127\.0\.0\.1:8288\/e\//);
    expect(sent[0].body.map(({ id, name, data }) => ({ id, name, data }))).toEqual([
      {
        id: `request.approved:${REQ}`,
        name: "elevate/request.approved",
        data: { orgId: ORG, requestId: REQ, grantIds: [G1, G2] },
      },
      {
        id: `grant.revoke.requested:${G1}`,
        name: "elevate/grant.revoke.requested",
        data: { orgId: ORG, grantId: G1 },
      },
      {
        id: `grant.extended:${G2}:2030-01-01T00:00:00.000Z`,
        name: "elevate/grant.extended",
        data: { orgId: ORG, grantId: G2, expiresAt: "2030-01-01T00:00:00.000Z" },
      },
    ]);
  });

  it("sends the same ids when a verb dispatches the same event twice (Inngest drops the second)", async () => {
    const { client, sent } = recordingClient();
    const driver = createInngestDriver({ client });
    const e = { name: "grant.revoke.requested" as const, orgId: ORG, grantId: G1 };
    await driver.dispatch([e]);
    await driver.dispatch([e]);
    expect(sent.map((s) => s.body[0].id)).toEqual([
      `grant.revoke.requested:${G1}`,
      `grant.revoke.requested:${G1}`,
    ]);
  });

  it("does not throw when Inngest is unreachable: the verb has committed and the reconciler picks the work up", async () => {
    const { client } = recordingClient(true);
    await expect(
      createInngestDriver({ client }).dispatch([{ name: "grant.revoke.requested", orgId: ORG, grantId: G1 }]),
    ).resolves.toBeUndefined();
  });

  it("sends nothing for an empty dispatch", async () => {
    const { client, sent } = recordingClient();
    await createInngestDriver({ client }).dispatch([]);
    expect(sent).toHaveLength(0);
  });
});

describe("inngestClientOptions", () => {
  const e = (over: Partial<Env>): Env => ({ NODE_ENV: "development", ...over }) as Env;

  it("talks to a dev server when asked (INNGEST_DEV=1 or a URL), without signing", () => {
    expect(inngestClientOptions(e({ INNGEST_DEV: "1" }))).toEqual({ id: "elevate", isDev: true });
    expect(inngestClientOptions(e({ INNGEST_DEV: "http://localhost:8288" }))).toEqual({
      id: "elevate",
      isDev: true,
      baseUrl: "http://localhost:8288",
    });
  });

  it("uses cloud mode with the keys and base URL of a self-hosted server", () => {
    expect(
      inngestClientOptions(
        e({
          NODE_ENV: "production",
          INNGEST_BASE_URL: "http://inngest:8288",
          INNGEST_EVENT_KEY: "evt",
          INNGEST_SIGNING_KEY: "signkey-prod-abc",
        }),
      ),
    ).toEqual({
      id: "elevate",
      isDev: false,
      baseUrl: "http://inngest:8288",
      eventKey: "evt",
      signingKey: "signkey-prod-abc",
    });
  });

  it("fails closed without a signing key, in development too (cloud mode: unsigned calls are rejected)", () => {
    expect(
      inngestClientOptions(e({ NODE_ENV: "production", INNGEST_BASE_URL: "http://inngest:8288" })).isDev,
    ).toBe(false);
    // Dev mode is never inferred: only INNGEST_DEV turns request signing off.
    expect(inngestClientOptions(e({ INNGEST_BASE_URL: "http://localhost:8288" })).isDev).toBe(false);
    expect(
      inngestClientOptions(e({ INNGEST_DEV: "0", INNGEST_BASE_URL: "http://localhost:8288" })).isDev,
    ).toBe(false);
  });
});
