import {
  type FakeCall,
  type FakeRequest,
  type Fault,
  hasBearer,
  serveFake,
} from "@/lib/clouds/fakes/gcp/fake-http";
import { listBuiltInRoles, listProviderOperations } from "./catalog-handler";
import { loopbackCertificate } from "./cert";
import { handleDefinitions } from "./definitions-handler";
import { armError, armErrorBody } from "./errors";
import { handleScheduleRequests, listScheduleInstances } from "./pim-handler";
import { handleAssignments, listDenyAssignments } from "./rbac-handler";
import { type ScopeProblem, scopeProblem } from "./scope";
import { FakeAzureState } from "./state";

export type { Fault } from "@/lib/clouds/fakes/gcp/fake-http";
export {
  AZURE_LIMITS,
  FakeAzureState,
  type FakeDefinition,
  type FakeDenyAssignment,
  type FakeProvider,
  type FakeProviderOperation,
} from "./state";

export type FakeAzure = {
  /** ARM endpoint (HTTPS on 127.0.0.1). */
  url: string;
  /** PEM of the fake's self-signed certificate: pass it as the adapter's `ca`. */
  ca: string;
  state: FakeAzureState;
  calls: FakeCall[];
  injectFault(fault: Fault): void;
  setPropagationDelay(ms: number): void;
  stop(): Promise<void>;
};

const ROUTE =
  /^(.*)\/providers\/Microsoft\.Authorization\/(roleDefinitions|roleAssignments|roleAssignmentScheduleRequests|roleAssignmentScheduleInstances|denyAssignments)(?:\/([^/]+))?$/i;

const PROVIDER_OPERATIONS = /^\/providers\/Microsoft\.Authorization\/providerOperations$/i;
const BUILT_IN = /^type eq 'BuiltInRole'$/i;

function route(state: FakeAzureState, req: FakeRequest, base: string) {
  if (!hasBearer(req))
    return armError(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing.",
    );
  if (!req.query.get("api-version"))
    return armError(400, "MissingApiVersionParameter", "The api-version query parameter is required.");
  // A scope starting with "/" arrives as "//subscriptions/…" from the SDK's path template.
  const path = decodeURIComponent(req.path).replace(/^\/+/, "/");
  if (PROVIDER_OPERATIONS.test(path) && req.method === "GET") return listProviderOperations(state, req, base);
  const m = ROUTE.exec(path);
  if (!m) return armError(404, "InvalidResourceType", `No route for ${req.path}.`);
  const scope = m[1];
  const problem = scopeProblem(scope);
  if (problem) return refuseScope(problem, scope, req.query.get("api-version") ?? "");
  const filter = req.query.get("$filter");
  if (m[2] === "roleDefinitions" && !m[3] && BUILT_IN.test(filter ?? ""))
    return listBuiltInRoles(state, req, base, scope.toLowerCase());
  const body = req.body as Record<string, unknown> | undefined;
  if (m[2] === "roleDefinitions")
    return handleDefinitions(state, req.method, scope.toLowerCase(), m[3], body);
  if (m[2] === "roleAssignments") return handleAssignments(state, req.method, scope, m[3], body, filter);
  if (m[2] === "denyAssignments") {
    if (m[3]) return armError(404, "DenyAssignmentNotFound", "Not found.");
    return listDenyAssignments(state, req.method, scope, filter);
  }
  if (/^roleAssignmentScheduleInstances$/i.test(m[2])) {
    if (m[3]) return armError(404, "RoleAssignmentScheduleInstanceNotFound", "Not found.");
    return listScheduleInstances(state, req.method, scope, filter);
  }
  return handleScheduleRequests(state, req.method, scope, m[3], body, filter);
}

/**
 * ARM's gateway cannot route a malformed scope to the authorization provider and answers 400
 * InvalidApiVersionParameter (as reported for `az role` and the SDKs); a non-GUID subscription id is
 * 400 InvalidSubscriptionId. The message also says what is wrong, which ARM's does not.
 */
function refuseScope(problem: ScopeProblem, scope: string, version: string) {
  return problem.code === "InvalidSubscriptionId"
    ? armError(
        400,
        problem.code,
        `The provided subscription identifier is malformed or invalid: ${problem.why}.`,
      )
    : armError(
        400,
        problem.code,
        `The api-version '${version}' is invalid for scope '${scope}': ${problem.why}.`,
      );
}

/**
 * Azure Resource Manager authorization on loopback over HTTPS: custom and built-in role definitions,
 * provider operations, role assignments, PIM schedule requests and schedule instances, with ARM error bodies, documented
 * limits and `x-ms-request-id` headers.
 */
export async function startFakeAzure(): Promise<FakeAzure> {
  const state = new FakeAzureState();
  const tls = loopbackCertificate();
  let base = ""; // known once listening; used for absolute nextLinks
  const server = await serveFake({
    handle: (req) => route(state, req, base),
    errorBody: armErrorBody,
    requestIdHeader: "x-ms-request-id",
    tls,
  });
  base = server.url;
  return {
    url: server.url,
    ca: tls.cert,
    state,
    calls: server.calls,
    injectFault: server.injectFault,
    setPropagationDelay: (ms) => {
      state.propagationDelayMs = ms;
    },
    stop: server.stop,
  };
}
