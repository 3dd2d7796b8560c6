import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * PagerDuty REST API v2 on loopback, for tests: the two endpoints the adapter uses, with PagerDuty's token
 * header, its error body `{ error: { message, code } }`, and classic offset pagination.
 * - GET /services/{id} (https://developer.pagerduty.com/api-reference/165ad96a22ffd-get-a-service)
 * - GET /oncalls (https://developer.pagerduty.com/api-reference/3a6b910f11050-list-all-of-the-on-calls)
 * - pagination: limit (default 25, at most 100), offset, more (https://developer.pagerduty.com/docs/pagination)
 * - auth: `Authorization: Token token=…` (https://developer.pagerduty.com/docs/authentication)
 */
export type FakePagerDuty = {
  url: string;
  /** service id → escalation policy id */
  services: Map<string, string>;
  /** escalation policy id → users on call now */
  onCall: Map<string, { id: string; email: string; name: string }[]>;
  calls: { method: string; path: string; query: URLSearchParams }[];
  stop(): Promise<void>;
};

export async function startFakePagerDuty(opts: { token: string }): Promise<FakePagerDuty> {
  const services = new Map<string, string>();
  const onCall = new Map<string, { id: string; email: string; name: string }[]>();
  const calls: FakePagerDuty["calls"] = [];

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: number, message: string) =>
    send(res, status, { error: { message, code } });

  function handle(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? "/", "http://fake");
    calls.push({ method: req.method ?? "GET", path: u.pathname, query: u.searchParams });
    if (req.headers.authorization !== `Token token=${opts.token}`) {
      return error(res, 401, 2006, "Authentication failed");
    }
    if (req.method !== "GET") return error(res, 405, 2000, "Method not allowed");
    const svc = /^\/services\/([A-Z0-9]+)$/.exec(u.pathname);
    if (svc) {
      const ep = services.get(svc[1]);
      if (!ep) return error(res, 404, 2100, "Not Found");
      return send(res, 200, {
        service: {
          id: svc[1],
          type: "service",
          escalation_policy: { id: ep, type: "escalation_policy_reference" },
        },
      });
    }
    if (u.pathname === "/oncalls") {
      const limit = Number(u.searchParams.get("limit") ?? 25);
      const offset = Number(u.searchParams.get("offset") ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset) || offset < 0) {
        return error(res, 400, 2001, "Invalid Input Provided");
      }
      const eps = u.searchParams.getAll("escalation_policy_ids[]");
      const withUsers = u.searchParams.getAll("include[]").includes("users");
      const all = [...onCall.entries()]
        .filter(([ep]) => eps.length === 0 || eps.includes(ep))
        .flatMap(([ep, users]) =>
          users.map((user) => ({
            escalation_policy: { id: ep, type: "escalation_policy_reference" },
            escalation_level: 1,
            schedule: null,
            start: null,
            end: null,
            user: withUsers
              ? { id: user.id, type: "user", name: user.name, email: user.email }
              : { id: user.id, type: "user_reference", summary: user.name },
          })),
        );
      const page = all.slice(offset, offset + limit);
      return send(res, 200, {
        oncalls: page,
        limit,
        offset,
        more: offset + page.length < all.length,
        total: null,
      });
    }
    return error(res, 404, 2100, "Not Found");
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    onCall,
    calls,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
