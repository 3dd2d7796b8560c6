import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeCtx, Handler } from "./context";
import { IamFault } from "./errors";
import { policyHandlers } from "./policies";
import { rolePolicyHandlers } from "./role-policies";
import { roleHandlers } from "./roles";
import { simulateHandlers } from "./simulate";
import { type FakeIamState, newState } from "./state";
import { errorXml, successXml } from "./xml";

export type FakeIamOptions = {
  port?: number;
  accountId?: string;
  /** When set, requests signed with another access key id fail with InvalidClientTokenId (403). */
  accessKeyId?: string;
  /** When set, trust policies naming other principal ARNs fail with MalformedPolicyDocument. */
  principals?: string[];
};

/** The next `times` calls of `action` ("*" for any) answer this error; or, without `code`, only wait. */
export type FakeIamFault = {
  action: string;
  code?: string;
  status?: number;
  times: number;
  message?: string;
  retryAfterSeconds?: number;
  /** Wait this long before answering: with no `code` the call then succeeds (a timeout after the work). */
  delayMs?: number;
};

export type FakeIam = {
  url: string;
  state: FakeIamState;
  stop(): Promise<void>;
  injectFault(fault: FakeIamFault): void;
  clearFaults(): void;
  setPropagationDelay(ms: number): void;
};

const HANDLERS: Record<string, Handler> = {
  ...policyHandlers,
  ...roleHandlers,
  ...rolePolicyHandlers,
  ...simulateHandlers,
};

/** A loopback IAM speaking the Query protocol (form-encoded in, XML out), for the real `@aws-sdk/client-iam`. */
export async function startFakeIam(options: FakeIamOptions = {}): Promise<FakeIam> {
  const state = newState(options.accountId ?? "123456789012");
  const faults: FakeIamFault[] = [];
  const principals = options.principals ? new Set(options.principals) : null;
  let propagationMs = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const params = new URLSearchParams(await readBody(req));
    const action = params.get("Action") ?? "";
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      state.calls.push({ action, params: Object.fromEntries(params), status, requestId });
      res.writeHead(status, { "content-type": "text/xml", "x-amzn-RequestId": requestId, ...headers });
      res.end(body);
    };
    const fail = (e: IamFault, headers?: Record<string, string>) =>
      send(
        e.status,
        errorXml(e.code, e.message, requestId, e.status >= 500 ? "Receiver" : "Sender"),
        headers,
      );

    const denied = authFailure(req, options.accessKeyId);
    if (denied) return fail(denied);
    const fault = faults.find((f) => f.times > 0 && (f.action === action || f.action === "*"));
    if (fault) {
      fault.times -= 1;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.code) {
        const headers: Record<string, string> =
          fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
        const status = fault.status ?? 400;
        return fail(new IamFault(fault.code, status, fault.message ?? `Injected ${fault.code}`), headers);
      }
    }
    if (req.method !== "POST") return fail(new IamFault("InvalidAction", 400, "Only POST is supported."));
    if (params.get("Version") !== "2010-05-08") {
      return fail(new IamFault("InvalidAction", 400, `Could not find operation ${action} for this version.`));
    }
    const handler = HANDLERS[action];
    if (!handler) {
      const code = action ? "InvalidAction" : "MissingAction";
      return fail(new IamFault(code, 400, `Could not find operation ${action} for version 2010-05-08`));
    }
    const ctx: FakeCtx = { state, now: Date.now(), principals, propagationMs };
    try {
      send(200, successXml(action, handler(params, ctx), requestId));
    } catch (e) {
      if (e instanceof IamFault) return fail(e);
      fail(new IamFault("ServiceFailure", 500, "An internal error occurred."));
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    injectFault: (fault) => faults.push({ ...fault }),
    clearFaults: () => faults.splice(0),
    setPropagationDelay: (ms) => {
      propagationMs = ms;
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** SigV4 is not verified (no secret is shared with the fake); the key id and service scope are. */
function authFailure(req: IncomingMessage, accessKeyId: string | undefined): IamFault | null {
  const auth = req.headers.authorization ?? "";
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/[a-z0-9-]+\/iam\/aws4_request,/.exec(auth);
  if (!m) return new IamFault("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
  if (accessKeyId && m[1] !== accessKeyId) {
    return new IamFault(
      "InvalidClientTokenId",
      403,
      "The security token included in the request is invalid.",
    );
  }
  return null;
}
