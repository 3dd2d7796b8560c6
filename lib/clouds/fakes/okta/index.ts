import { type FakeCall, type FakeRequest, type Fault, serveFake } from "@/lib/clouds/fakes/gcp/fake-http";
import { oktaError, oktaErrorBody } from "./errors";
import { handleResourceSets, handleRoles } from "./iam-handler";
import { FakeOktaState } from "./state";
import { handleUsers } from "./users-handler";

export { type FakeSubject, mayPerform } from "./oracle";
export { FakeOktaState } from "./state";

export type FakeOkta = {
  /** The org URL (`orgUrl` of the SDK client). */
  url: string;
  state: FakeOktaState;
  calls: FakeCall[];
  injectFault(fault: Fault): void;
  stop(): Promise<void>;
};

export const FAKE_OKTA_TOKEN = "00fake-okta-api-token";

function route(state: FakeOktaState, req: FakeRequest) {
  // API tokens go in `Authorization: SSWS <token>`.
  // https://developer.okta.com/docs/guides/create-an-api-token/main/
  if (req.authorization !== `SSWS ${FAKE_OKTA_TOKEN}`)
    return oktaError(401, "E0000011", "Invalid token provided");
  const path = decodeURIComponent(req.path);
  // Rate limits are per endpoint family; every answer carries the bucket's headers.
  // https://developer.okta.com/docs/reference/rl-best-practices/
  const bucket = path.startsWith("/api/v1/iam/") ? "iam" : "users";
  const rate = state.take(bucket);
  if (rate.over)
    return oktaError(
      429,
      "E0000047",
      "API call exceeded rate limit due to too many requests.",
      [],
      rate.headers,
    );
  const reply = dispatch(state, req, path);
  return { ...reply, headers: { ...rate.headers, ...reply.headers } };
}

function dispatch(state: FakeOktaState, req: FakeRequest, path: string) {
  const roles = /^\/api\/v1\/iam\/roles(\/.*)?$/.exec(path);
  if (roles) return handleRoles(state, req, roles[1] ?? "");
  const sets = /^\/api\/v1\/iam\/resource-sets(\/.*)?$/.exec(path);
  if (sets) return handleResourceSets(state, req, sets[1] ?? "");
  if (path.startsWith("/api/v1/users/")) return handleUsers(state, req, path);
  return oktaError(404, "E0000007", `Not found: Resource not found: ${path} (URL)`);
}

/**
 * The Okta management API on loopback, as the real `@okta/okta-sdk-nodejs` client speaks it: custom admin
 * roles, resource sets, users' role assignments and user lookup, with Okta's error bodies, `_links.next`
 * and `Link` pagination, `X-Rate-Limit-*` headers and `X-Okta-Request-Id`. `mayPerform` is its own
 * evaluation of what the stored assignments allow, the oracle the adapter's tests check against.
 */
export async function startFakeOkta(): Promise<FakeOkta> {
  const state = new FakeOktaState();
  const server = await serveFake({
    handle: (req) => route(state, req),
    errorBody: oktaErrorBody,
    requestIdHeader: "x-okta-request-id",
  });
  state.baseUrl = server.url;
  return { url: server.url, state, calls: server.calls, injectFault: server.injectFault, stop: server.stop };
}
