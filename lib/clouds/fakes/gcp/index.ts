import { listPredefinedRoles, queryTestablePermissions } from "./catalog-handler";
import { handleDeny } from "./deny-handler";
import { gcpError, gcpErrorBody } from "./errors";
import { type FakeCall, type FakeRequest, type Fault, hasBearer, serveFake } from "./fake-http";
import { handlePolicy } from "./policy-handler";
import { handleRoles } from "./roles-handler";
import { FakeGcpState } from "./state";
import { troubleshoot } from "./troubleshoot-handler";

export type { Fault } from "./fake-http";
export {
  FakeGcpState,
  type FakePredefinedRole,
  type FakeTestablePermission,
  GCP_LIMITS,
} from "./state";

export type FakeGcp = {
  /** Base URL for both IAM v1 and Resource Manager v3 (`iamUrl` and `resourceManagerUrl`). */
  url: string;
  state: FakeGcpState;
  calls: FakeCall[];
  injectFault(fault: Fault): void;
  setPropagationDelay(ms: number): void;
  stop(): Promise<void>;
};

function route(state: FakeGcpState, req: FakeRequest) {
  if (!hasBearer(req)) return gcpError(401, "Request is missing required authentication credential.");
  const path = decodeURIComponent(req.path);
  const policy = /^\/v3\/projects\/([^/:]+):(getIamPolicy|setIamPolicy)$/.exec(path);
  if (policy && req.method === "POST") return handlePolicy(state, policy[1], policy[2], req.body);
  if (path === "/v3/locations/global:troubleshoot" && req.method === "POST")
    return troubleshoot(state, req.body);
  // The attachment point is URL-encoded inside the resource name (policies/<encoded>/denypolicies/<id>).
  // Sent once-encoded (the documentation's curl) or twice (the client library): both name the project.
  const deny = /^\/v2\/policies\/(.+?)\/denypolicies(?:\/([^/:]+))?$/.exec(path);
  const attached =
    deny && /^cloudresourcemanager\.googleapis\.com\/projects\/([^/]+)$/.exec(decodeURIComponent(deny[1]));
  if (deny && attached) return handleDeny(state, req, attached[1], deny[2]);
  if (path === "/v1/roles" && req.method === "GET") return listPredefinedRoles(state, req);
  if (path === "/v1/permissions:queryTestablePermissions" && req.method === "POST")
    return queryTestablePermissions(state, req.body);
  const roles = /^\/v1\/projects\/([^/:]+)\/roles(\/.*)?$/.exec(path);
  if (roles) return handleRoles(state, req, roles[1], roles[2] ?? "");
  return gcpError(404, `The requested URL ${path} was not found on this server.`, "NOT_FOUND");
}

/**
 * Google Cloud IAM on loopback, spoken over the same REST the real SDK clients use: IAM v1 custom roles,
 * predefined roles and testable permissions, IAM v2 deny policies (honoured by the access check), Resource Manager v3 allow policies and Policy Troubleshooter v3, with Google's limits, error shapes and `x-goog-request-id`.
 */
export async function startFakeGcp(): Promise<FakeGcp> {
  const state = new FakeGcpState();
  const server = await serveFake({
    handle: (req) => route(state, req),
    errorBody: gcpErrorBody,
    requestIdHeader: "x-goog-request-id",
  });
  return {
    url: server.url,
    state,
    calls: server.calls,
    injectFault: server.injectFault,
    setPropagationDelay: (ms) => {
      state.propagationDelayMs = ms;
    },
    stop: server.stop,
  };
}
