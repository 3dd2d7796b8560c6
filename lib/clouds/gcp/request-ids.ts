import { AsyncLocalStorage } from "node:async_hooks";
import type { AuthClient } from "google-auth-library";

type HeadersLike = { get(name: string): string | null } | undefined;

// One collector per adapter call: the SDK's transport records into whichever call it serves.
const store = new AsyncLocalStorage<string[]>();

export async function collectRequestIds<T>(fn: () => Promise<T>): Promise<{ out: T; requestIds: string[] }> {
  const requestIds: string[] = [];
  const out = await store.run(requestIds, fn);
  return { out, requestIds };
}

export function recordRequestId(id: string | null | undefined): void {
  const ids = store.getStore();
  if (ids && id && !ids.includes(id)) ids.push(id);
}

export const recordResponse = (headers: HeadersLike) => recordRequestId(headers?.get("x-goog-request-id"));

/**
 * The same auth client, except that every response passing through `fetch` (the REST transport of the
 * generated clients) has its request id recorded. The client itself is left unmodified.
 */
export function tapAuthClient<C extends AuthClient>(client: C): C {
  const tapped = async <T>(...args: Parameters<AuthClient["fetch"]>) => {
    try {
      const res = await client.fetch<T>(...args);
      recordResponse(res.headers);
      return res;
    } catch (e) {
      recordResponse((e as { response?: { headers?: HeadersLike } }).response?.headers);
      throw e;
    }
  };
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "fetch") return tapped;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
