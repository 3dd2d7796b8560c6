import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

/** A canned failure: the next `times` requests whose "METHOD /path" matches get it instead of the real answer. */
export type Fault = {
  match: string | RegExp;
  /** HTTP status to answer; omit with `delayMs` to only slow the real answer down (timeouts). */
  status?: number;
  body?: unknown;
  times?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** Do the real work first, then answer with the fault: the caller cannot tell whether it happened. */
  applied?: boolean;
};

export type FakeRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization?: string;
};
export type FakeReply = { status: number; body?: unknown; headers?: Record<string, string> };
/** One answered request; `body` is its parsed JSON body, for tests asserting what went on the wire. */
export type FakeCall = { method: string; path: string; status: number; requestId: string; body?: unknown };

export type FakeServer = {
  url: string;
  calls: FakeCall[];
  injectFault(fault: Fault): void;
  clearFaults(): void;
  stop(): Promise<void>;
};

type ServeOptions = {
  handle: (req: FakeRequest) => FakeReply | Promise<FakeReply>;
  /** The cloud's error body for an injected status without an explicit body. */
  errorBody: (status: number) => unknown;
  requestIdHeader: string;
  tls?: { key: string | Buffer; cert: string | Buffer };
};

/** Loopback HTTP(S) server shared by the cloud fakes: routing is theirs; faults, request ids and the call log are here. */
export async function serveFake(opts: ServeOptions): Promise<FakeServer> {
  const faults: (Fault & { left: number })[] = [];
  const calls: FakeCall[] = [];

  async function respond(req: IncomingMessage, res: ServerResponse, raw: string) {
    // Concatenate, not resolve: a path starting with "//" would otherwise be read as a host.
    const url = new URL(`http://fake${req.url ?? "/"}`);
    const method = req.method ?? "GET";
    const key = `${method} ${decodeURIComponent(url.pathname)}`;
    const fault = faults.find(
      (f) => f.left > 0 && (typeof f.match === "string" ? key.includes(f.match) : f.match.test(key)),
    );
    if (fault) fault.left -= 1;
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (res.destroyed) return;
    let reply: FakeReply | undefined;
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    if (!fault?.status || fault.applied) {
      reply = await opts.handle({
        method,
        path: url.pathname,
        query: url.searchParams,
        body,
        authorization: req.headers.authorization,
      });
    }
    if (fault?.status) {
      reply = { status: fault.status, body: fault.body ?? opts.errorBody(fault.status) };
      if (fault.retryAfterSeconds !== undefined)
        reply.headers = { "retry-after": String(fault.retryAfterSeconds) };
    }
    const out = reply ?? { status: 500, body: opts.errorBody(500) };
    const requestId = randomUUID();
    calls.push({ method, path: decodeURIComponent(url.pathname), status: out.status, requestId, body });
    const text = out.body === undefined ? "" : JSON.stringify(out.body);
    res.writeHead(out.status, {
      ...(text ? { "content-type": "application/json; charset=utf-8" } : {}),
      [opts.requestIdHeader]: requestId,
      ...out.headers,
    });
    res.end(text);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      raw += chunk;
    });
    req.on("end", () => {
      respond(req, res, raw).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify(opts.errorBody(500)));
        console.error("fake cloud handler failed", e);
      });
    });
  };
  const server = opts.tls ? https.createServer(opts.tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`,
    calls,
    injectFault: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    clearFaults: () => {
      faults.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Bearer token present: the fakes check that the SDK authenticated, not what the token is. */
export const hasBearer = (req: FakeRequest) => /^Bearer \S+$/.test(req.authorization ?? "");
