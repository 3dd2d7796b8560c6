import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A wire fake of the Slack Web API on 127.0.0.1, for tests and benches: the real @slack/web-api client talks
 * to it through `slackApiUrl`. It serves the methods Elevate calls, with the documented shapes and errors:
 * https://api.slack.com/methods/chat.postMessage, /chat.update, /chat.postEphemeral, /users.info,
 * /users.lookupByEmail. Requests are form-encoded or JSON with `Authorization: Bearer <token>`; every answer
 * is HTTP 200 with `{ ok: false, error }` for a refusal, except 429 (rate limited, with Retry-After) and
 * injected 5xx outages.
 */
export type FakeSlackUser = {
  id: string;
  email: string;
  name: string;
  isEmailConfirmed?: boolean;
  deleted?: boolean;
};
export type FakeSlackMessage = {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  /** How many chat.update calls changed it. */
  updates: number;
};

export type FakeSlack = {
  /** The base to give `slackApiUrl` (ends with /api/). */
  url: string;
  users: FakeSlackUser[];
  messages: Map<string, FakeSlackMessage>;
  ephemeral: { channel: string; user: string; text: string }[];
  calls: { method: string; at: number }[];
  /** The next `times` calls of `method` answer HTTP `status` (5xx outage, or 429 with Retry-After: 1). */
  failNext(method: string, status: number, times?: number): void;
  /** Resolves when `n` calls of `method` have been answered. */
  waitFor(method: string, n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

export const FAKE_SLACK_TOKEN = "xoxb-elevate-test";

function parseBody(raw: string, type: string | undefined): Record<string, unknown> {
  if (type?.includes("application/json")) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
  return out;
}

/** Block Kit arrives as a JSON string in form posts. */
function blocksOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === "string" && v) return JSON.parse(v) as unknown[];
  return [];
}

export async function startFakeSlack(opts: { token?: string } = {}): Promise<FakeSlack> {
  const token = opts.token ?? FAKE_SLACK_TOKEN;
  const users: FakeSlackUser[] = [];
  const messages = new Map<string, FakeSlackMessage>();
  const ephemeral: FakeSlack["ephemeral"] = [];
  const calls: FakeSlack["calls"] = [];
  const faults: { method: string; status: number; left: number }[] = [];
  const waiters: { method: string; n: number; resolve: () => void }[] = [];
  let seq = 0;
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, "0")}`;
  /** A DM to a user goes to the user's IM channel (D…), as chat.postMessage answers it. */
  const imOf = (channel: string) => (/^[UW][A-Z0-9]+$/.test(channel) ? `D${channel.slice(1)}` : channel);

  function answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return { ok: true, user_id: "UBOT", team_id: "TFAKE" };
      case "chat.postMessage": {
        const channel = String(body.channel ?? "");
        if (!channel) return { ok: false, error: "channel_not_found" };
        if (!body.text && !body.blocks) return { ok: false, error: "no_text" };
        const ch = imOf(channel);
        if (/^D/.test(ch) && !users.some((u) => `D${u.id.slice(1)}` === ch))
          return { ok: false, error: "channel_not_found" };
        const ts = nextTs();
        const m = {
          channel: ch,
          ts,
          text: String(body.text ?? ""),
          blocks: blocksOf(body.blocks),
          updates: 0,
        };
        messages.set(`${ch}:${ts}`, m);
        return { ok: true, channel: ch, ts, message: { text: m.text, blocks: m.blocks, ts } };
      }
      case "chat.update": {
        const key = `${String(body.channel)}:${String(body.ts)}`;
        const m = messages.get(key);
        if (!m) return { ok: false, error: "message_not_found" };
        m.text = String(body.text ?? m.text);
        m.blocks = body.blocks === undefined ? m.blocks : blocksOf(body.blocks);
        m.updates += 1;
        return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
      }
      case "chat.postEphemeral": {
        const user = String(body.user ?? "");
        if (!users.some((u) => u.id === user)) return { ok: false, error: "user_not_in_channel" };
        ephemeral.push({ channel: String(body.channel ?? ""), user, text: String(body.text ?? "") });
        return { ok: true, message_ts: nextTs() };
      }
      case "users.info": {
        const u = users.find((x) => x.id === body.user);
        if (!u) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id: u.id,
            name: u.name,
            deleted: Boolean(u.deleted),
            is_email_confirmed: u.isEmailConfirmed ?? true,
            profile: { email: u.email, real_name: u.name },
          },
        };
      }
      case "users.lookupByEmail": {
        const email = String(body.email ?? "").toLowerCase();
        const u = users.find((x) => x.email.toLowerCase() === email && !x.deleted);
        if (!u) return { ok: false, error: "users_not_found" };
        return { ok: true, user: { id: u.id, name: u.name, profile: { email: u.email } } };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  function settle() {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (calls.filter((c) => c.method === w.method).length >= w.n) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      raw += c;
    });
    req.on("end", () => {
      const method = decodeURIComponent((req.url ?? "").replace(/^\/api\//, "").split("?")[0]);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
        res.end(JSON.stringify(body));
      };
      const fault = faults.find((f) => f.method === method && f.left > 0);
      if (fault) {
        fault.left -= 1;
        return fault.status === 429
          ? send(429, { ok: false, error: "ratelimited" }, { "retry-after": "1" })
          : send(fault.status, { ok: false, error: "fatal_error" });
      }
      if (req.headers.authorization !== `Bearer ${token}`)
        return send(200, { ok: false, error: "invalid_auth" });
      let body: Record<string, unknown>;
      try {
        body = parseBody(raw, req.headers["content-type"]);
      } catch {
        return send(200, { ok: false, error: "invalid_json" });
      }
      const out = answer(method, body);
      calls.push({ method, at: Date.now() });
      send(200, out);
      settle();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    users,
    messages,
    ephemeral,
    calls,
    failNext: (method, status, times = 1) => faults.push({ method, status, left: times }),
    waitFor: (method, n, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const w = { method, n, resolve };
        waiters.push(w);
        settle();
        setTimeout(
          () => reject(new Error(`fake Slack: waited ${timeoutMs} ms for ${n} ${method}`)),
          timeoutMs,
        ).unref();
      }),
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
