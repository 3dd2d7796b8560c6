import { AsyncLocalStorage } from "node:async_hooks";
import { Client, DefaultRequestExecutor } from "@okta/okta-sdk-nodejs";
import { assertEgressAllowed } from "@/lib/clouds/egress";
import { classifyOktaError } from "./errors";

export type OktaAdapterConfig = {
  /** The org URL, e.g. https://acme.okta.com (a loopback fake in tests). */
  orgUrl: string;
  /** An API token (SSWS) of an admin allowed to manage custom roles, resource sets and role assignments. */
  token: string;
  /** Per call, including the SDK's own waits; 0 = none. */
  requestTimeoutMs?: number;
};

/** One SDK client and the request ids its answers carried, per adapter call (the grant's evidence). */
export type OktaSession = {
  client: Client;
  /** Runs `fn` as one adapter operation: its request ids, and SDK failures classified. */
  call<T>(op: string, fn: (client: Client) => Promise<T>): Promise<T & { requestIds: string[] }>;
};

/**
 * The SDK client. It accepts any orgUrl scheme (the loopback fake is http), so the egress rule is ours:
 * official Okta hosts, or what the operator allowlisted. The SDK's GET cache is off (a read-back must see
 * the org, not a copy) and its 429 waits are off: a throttled call fails `throttled` with the reset time,
 * and Elevate's retries wait it out.
 */
export function oktaSession(config: OktaAdapterConfig): OktaSession {
  assertEgressAllowed("okta", config.orgUrl, { ambientCredentials: false });
  const ids = new AsyncLocalStorage<string[]>();
  const executor = new DefaultRequestExecutor({
    maxRetries: 0,
    requestTimeout: config.requestTimeoutMs ?? 0,
  });
  executor.on("response", (res: { headers: { get(n: string): string | null } }) => {
    const id = res.headers.get("x-okta-request-id");
    if (id) ids.getStore()?.push(id);
  });
  const client = new Client({
    orgUrl: config.orgUrl,
    token: config.token,
    authorizationMode: "SSWS",
    requestExecutor: executor,
    cacheMiddleware: null,
  });
  return {
    client,
    call: (op, fn) => {
      const seen: string[] = [];
      return ids.run(seen, async () => {
        try {
          const out = await fn(client);
          return Object.assign(out as object, { requestIds: seen }) as Awaited<ReturnType<typeof fn>> & {
            requestIds: string[];
          };
        } catch (e) {
          const classified = classifyOktaError(op, e);
          if (!classified.requestId && seen.length) Object.assign(classified, { requestId: seen.at(-1) });
          throw classified;
        }
      });
    },
  };
}
