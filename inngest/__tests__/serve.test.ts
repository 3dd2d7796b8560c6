import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnv } from "@/lib/env";

// The route builds its client from lib/env.ts at import: dev mode (what `inngest-cli dev` talks to) is set
// through INNGEST_DEV, then the module is imported fresh.
type Route = typeof import("@/app/api/inngest/route");
let route: Route;
beforeAll(async () => {
  vi.stubEnv("INNGEST_DEV", "1");
  vi.stubEnv("INNGEST_SIGNING_KEY", "");
  resetEnv();
  vi.resetModules();
  route = await import("@/app/api/inngest/route");
});
afterAll(() => {
  vi.unstubAllEnvs();
  resetEnv();
});

const URL_ = "http://localhost:3000/api/inngest";
const EXPECTED = [
  "schedule-grants",
  "grant-lifecycle",
  "grant-revoke",
  "grant-extend",
  "reconcile",
  "role-gc",
  "usage-pull",
  "audit-maintenance",
  "notify-deliver",
  "notify-alert",
  "notify-sweep",
  "report-schedules",
];

describe("serve endpoint /api/inngest", () => {
  it("introspection (GET) counts every function and its failure handler, in dev mode", async () => {
    const res = await route.GET(new Request(URL_) as never, undefined);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { function_count: number; mode: string };
    expect(body.mode).toBe("dev");
    expect(body.function_count).toBe(EXPECTED.length * 2);
  });

  it("an in-band sync (PUT) lists every function with its trigger, concurrency, cancellation and failure handler", async () => {
    const res = await route.PUT(
      new Request(URL_, {
        method: "PUT",
        headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band" },
        body: JSON.stringify({ url: URL_ }),
      }) as never,
      undefined,
    );
    expect(res.status).toBe(200);
    type Fn = {
      id: string;
      triggers: { event?: string; cron?: string; expression?: string }[];
      concurrency?: { key?: string; limit: number }[];
      cancel?: { event: string; if?: string }[];
    };
    const { functions } = (await res.json()) as { functions: Fn[] };
    const ids = functions.map((f) => f.id).sort();
    expect(ids).toEqual(EXPECTED.flatMap((id) => [`elevate-${id}`, `elevate-${id}-failure`]).sort());
    const byId = new Map(functions.map((f) => [f.id.replace(/^elevate-/, ""), f]));
    expect(byId.get("schedule-grants")!.triggers).toEqual([{ event: "elevate/request.approved" }]);
    expect(byId.get("grant-lifecycle")).toMatchObject({
      triggers: [{ event: "elevate/grant.scheduled" }],
      concurrency: [{ key: "event.data.targetId", limit: 10 }],
      cancel: [{ event: "elevate/grant.revoke.requested", if: "event.data.grantId == async.data.grantId" }],
    });
    expect(byId.get("grant-revoke")!.triggers).toEqual([{ event: "elevate/grant.revoke.requested" }]);
    expect(byId.get("reconcile")!.triggers).toEqual([{ cron: "* * * * *" }]);
    expect(byId.get("role-gc")!.triggers).toEqual([{ cron: "*/15 * * * *" }]);
    expect(byId.get("usage-pull")!.triggers).toEqual([{ cron: "*/15 * * * *" }]);
    expect(byId.get("audit-maintenance")!.triggers).toEqual([{ cron: "* * * * *" }]);
    expect(byId.get("grant-lifecycle-failure")!.triggers[0]).toMatchObject({
      event: "inngest/function.failed",
    });
  });

  it("in cloud mode with a signing key, unsigned calls are refused (the endpoint fails closed)", async () => {
    vi.stubEnv("INNGEST_DEV", "");
    vi.stubEnv("INNGEST_SIGNING_KEY", "signkey-prod-0123456789abcdef0123456789abcdef");
    resetEnv();
    vi.resetModules();
    const cloud: Route = await import("@/app/api/inngest/route");
    expect((await cloud.GET(new Request(URL_) as never, undefined)).status).toBe(401);
    const post = await cloud.POST(
      new Request(`${URL_}?fnId=elevate-grant-revoke&stepId=step`, { method: "POST", body: "{}" }) as never,
      undefined,
    );
    expect(post.status).toBe(401);
  });
});
