import {
  type FakeCall,
  type FakeRequest,
  type Fault,
  hasBearer,
  serveFake,
} from "@/lib/clouds/fakes/gcp/fake-http";
import { loopbackCertificate } from "./cert";
import { armError, armErrorBody } from "./errors";
import { handleScheduleRequests } from "./pim-handler";
import { handleAssignments, handleDefinitions } from "./rbac-handler";
import { FakeAzureState } from "./state";

export type { Fault } from "@/lib/clouds/fakes/gcp/fake-http";
export { AZURE_LIMITS, FakeAzureState } from "./state";

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
  /^(.*)\/providers\/Microsoft\.Authorization\/(roleDefinitions|roleAssignments|roleAssignmentScheduleRequests)(?:\/([^/]+))?$/i;

function route(state: FakeAzureState, req: FakeRequest) {
  if (!hasBearer(req))
    return armError(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing.",
    );
  if (!req.query.get("api-version"))
    return armError(400, "MissingApiVersionParameter", "The api-version query parameter is required.");
  // A scope starting with "/" arrives as "//subscriptions/…" from the SDK's path template.
  const m = ROUTE.exec(decodeURIComponent(req.path).replace(/^\/+/, "/"));
  if (!m) return armError(404, "InvalidResourceType", `No route for ${req.path}.`);
  const scope = m[1].toLowerCase();
  const body = req.body as Record<string, unknown> | undefined;
  if (m[2] === "roleDefinitions") return handleDefinitions(state, req.method, scope, m[3], body);
  if (m[2] === "roleAssignments") return handleAssignments(state, req.method, scope, m[3], body);
  return handleScheduleRequests(state, req.method, scope, m[3], body);
}

/**
 * Azure Resource Manager authorization on loopback over HTTPS: custom role definitions, role assignments
 * and PIM schedule requests, with ARM error bodies, documented limits and `x-ms-request-id` headers.
 */
export async function startFakeAzure(): Promise<FakeAzure> {
  const state = new FakeAzureState();
  const tls = loopbackCertificate();
  const server = await serveFake({
    handle: (req) => route(state, req),
    errorBody: armErrorBody,
    requestIdHeader: "x-ms-request-id",
    tls,
  });
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
