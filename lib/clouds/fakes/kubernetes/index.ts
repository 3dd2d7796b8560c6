import { loopbackCertificate } from "../azure/cert";
import { type FakeCall, type FakeReply, type FakeRequest, type Fault, serveFake } from "../gcp/fake-http";
import { apiVersions, DISCOVERY, groupList, isNamespaced, resourceList } from "./discovery";
import { type Attributes, authorize } from "./rbac";
import { FakeKubernetesState, type KObject, type Place } from "./state";

export type { Fault } from "../gcp/fake-http";
export { FakeKubernetesState } from "./state";

export type FakeKubernetes = {
  url: string;
  /** The fake's self-signed certificate: the client sends tokens over TLS only (settings.ca). */
  ca: string;
  state: FakeKubernetesState;
  /** Elevate's own token: bound to a ClusterRole with every permission (like cluster-admin). */
  adminToken: string;
  calls: FakeCall[];
  injectFault(fault: Fault): void;
  stop(): Promise<void>;
};

/**
 * The API's error body, a metav1.Status: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/
 * and the reasons of https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/types.go (StatusReason).
 */
const REASONS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "AlreadyExists",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
};
export const statusBody = (code: number, message = REASONS[code] ?? "error", reason = REASONS[code]) => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message,
  reason,
  code,
});
const fail = (code: number, message: string, reason?: string): FakeReply => ({
  status: code,
  body: statusBody(code, message, reason),
});

type Parsed = Place & { version: string; name?: string; subresource?: string };

/** `/api/v1/...` or `/apis/<group>/<version>/...`, then `[namespaces/<ns>/]<resource>[/<name>[/<sub>]]`. */
function parsePath(path: string): Parsed | undefined {
  const parts = path.split("/").filter(Boolean);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) [group, version, rest] = ["", parts[1], parts.slice(2)];
  else if (parts[0] === "apis" && parts.length >= 4)
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  else return undefined;
  let namespace: string | null = null;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (!resource || rest.length > 3) return undefined;
  return { group, version, resource, namespace, name, subresource };
}

function verbOf(method: string, p: Parsed, query: URLSearchParams): string {
  switch (method) {
    case "GET":
      return p.name ? "get" : query.get("watch") === "true" ? "watch" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return p.name ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

/** `a=b,c=d` equality selectors only (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/). */
function selects(selector: string | null, obj: KObject): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return obj.metadata.labels?.[k.trim()] === v?.trim();
  });
}

/** JSON merge patch (RFC 7386), what `application/merge-patch+json` asks for. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === "object" && target !== null && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const kindOf = (p: Parsed) =>
  Object.entries(DISCOVERY)
    .flatMap(([, list]) => list)
    .find((r) => r.name === p.resource)?.kind ?? "Object";

function tokenRequest(state: FakeKubernetesState, p: Parsed, body: unknown): FakeReply {
  const sa = state.get({ group: "", resource: "serviceaccounts", namespace: p.namespace }, p.name ?? "");
  if (!sa) return fail(404, `serviceaccounts "${p.name}" not found`);
  const requested = (body as { spec?: { expirationSeconds?: number } })?.spec?.expirationSeconds ?? 3600;
  // "may not specify a duration less than 10 minutes" (TokenRequest validation; docs: TokenRequestSpec).
  if (!Number.isInteger(requested) || requested < 600)
    return fail(
      422,
      "spec.expirationSeconds: Invalid value: may not specify a duration less than 10 minutes",
    );
  const expiresAt = new Date(state.now().getTime() + requested * 1000);
  const token = state.addToken({
    user: `system:serviceaccount:${p.namespace}:${p.name}`,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${p.namespace}`, "system:authenticated"],
    expiresAt,
    boundTo: { namespace: p.namespace ?? "", name: p.name ?? "", uid: sa.metadata.uid ?? "" },
  });
  return {
    status: 201,
    body: {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { name: p.name, namespace: p.namespace },
      spec: { audiences: [], expirationSeconds: requested },
      status: { token, expirationTimestamp: expiresAt.toISOString() },
    },
  };
}

function subjectAccessReview(state: FakeKubernetesState, body: unknown): FakeReply {
  const spec = (body as { spec?: Record<string, unknown> })?.spec ?? {};
  const ra = (spec.resourceAttributes ?? {}) as Record<string, string | undefined>;
  if (typeof spec.user !== "string" || !ra.verb || !ra.resource)
    return fail(422, "spec.user, spec.resourceAttributes.verb and .resource are required");
  const answer = authorize(state, {
    user: spec.user,
    groups: Array.isArray(spec.groups) ? (spec.groups as string[]) : [],
    verb: ra.verb,
    group: ra.group ?? "",
    resource: ra.resource,
    subresource: ra.subresource || undefined,
    namespace: ra.namespace || undefined,
    name: ra.name || undefined,
  });
  return {
    status: 201,
    body: {
      kind: "SubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: {},
      spec,
      status: { allowed: answer.allowed, ...(answer.reason ? { reason: answer.reason } : {}) },
    },
  };
}

function route(state: FakeKubernetesState, req: FakeRequest): FakeReply {
  const token = /^Bearer (\S+)$/.exec(req.authorization ?? "")?.[1];
  const who = token ? state.authenticate(token) : undefined;
  if (!who) return fail(401, "Unauthorized");
  const path = decodeURIComponent(req.path);
  if (req.method === "GET" && path === "/api") return { status: 200, body: apiVersions() };
  if (req.method === "GET" && path === "/apis") return { status: 200, body: groupList() };
  const gv = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(path);
  if (req.method === "GET" && gv) {
    const list = resourceList(gv[1] ?? gv[2]);
    return list ? { status: 200, body: list } : fail(404, "the server could not find the requested resource");
  }
  const p = parsePath(path);
  if (!p) return fail(404, "the server could not find the requested resource");
  const verb = verbOf(req.method, p, req.query);
  const attrs: Attributes = {
    user: who.user,
    groups: who.groups,
    verb,
    group: p.group,
    resource: p.resource,
    subresource: p.subresource,
    namespace: p.namespace ?? undefined,
    name: p.name,
  };
  const decision = authorize(state, attrs);
  if (!decision.allowed) {
    const what = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
    const where = p.namespace ? ` in the namespace "${p.namespace}"` : " at the cluster scope";
    return fail(
      403,
      `${what}${p.name ? ` "${p.name}"` : ""} is forbidden: User "${who.user}" cannot ${verb} resource "${what}" in API group "${p.group}"${where}`,
    );
  }
  if (p.group === "authorization.k8s.io" && p.resource === "subjectaccessreviews" && verb === "create")
    return subjectAccessReview(state, req.body);
  if (p.resource === "serviceaccounts" && p.subresource === "token" && verb === "create")
    return tokenRequest(state, p, req.body);
  if (p.subresource) return fail(404, `subresource ${p.subresource} is not served by the fake`);
  if (p.namespace === null && isNamespaced(p.group, p.resource) && verb !== "list" && verb !== "watch")
    return fail(404, "the server could not find the requested resource");
  const kind = kindOf(p);
  const apiVersion = p.group ? `${p.group}/${p.version}` : p.version;
  switch (verb) {
    case "get": {
      const obj = state.get(p, p.name ?? "");
      return obj ? { status: 200, body: obj } : fail(404, `${p.resource} "${p.name}" not found`);
    }
    case "list":
    case "watch": {
      const items = state
        .list(p.group, p.resource, p.namespace)
        .filter((o) => selects(req.query.get("labelSelector"), o));
      return {
        status: 200,
        body: { kind: `${kind}List`, apiVersion, metadata: { resourceVersion: "1" }, items },
      };
    }
    case "create": {
      const obj = req.body as KObject | undefined;
      if (!obj?.metadata?.name) return fail(422, "metadata.name: Required value: name is required");
      const created = state.create(p, { ...obj, apiVersion, kind });
      return created
        ? { status: 201, body: created }
        : fail(409, `${p.resource}.${p.group || "core"} "${obj.metadata.name}" already exists`);
    }
    case "update": {
      const obj = req.body as KObject | undefined;
      if (!obj?.metadata?.name || !state.get(p, obj.metadata.name))
        return fail(404, `${p.resource} "${p.name}" not found`);
      return { status: 200, body: state.replace(p, { ...obj, apiVersion, kind }) };
    }
    case "patch": {
      const current = state.get(p, p.name ?? "");
      if (!current) return fail(404, `${p.resource} "${p.name}" not found`);
      return { status: 200, body: state.replace(p, mergePatch(current, req.body) as KObject) };
    }
    case "delete": {
      const gone = state.delete(p, p.name ?? "");
      if (!gone) return fail(404, `${p.resource} "${p.name}" not found`);
      return {
        status: 200,
        body: {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Success",
          details: { name: p.name, kind: p.resource },
        },
      };
    }
    default:
      return fail(405, `${verb} is not served by the fake`);
  }
}

/**
 * A Kubernetes API server on loopback, spoken to by @kubernetes/client-node: RBAC objects, ServiceAccounts
 * and TokenRequest, discovery, SubjectAccessReview, and any other namespaced object (deployments, pods) as
 * plain storage, every request authenticated by bearer token and authorised by the fake's own RBAC.
 */
export async function startFakeKubernetes(): Promise<FakeKubernetes> {
  const state = new FakeKubernetesState();
  const rbac = (resource: string) => ({ group: "rbac.authorization.k8s.io", resource, namespace: null });
  state.create(rbac("clusterroles"), {
    metadata: { name: "cluster-admin" },
    rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
  });
  state.create(rbac("clusterrolebindings"), {
    metadata: { name: "elevate-controller" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "ServiceAccount", name: "elevate", namespace: "elevate-system" }],
  });
  const adminToken = state.addToken({
    user: "system:serviceaccount:elevate-system:elevate",
    groups: ["system:serviceaccounts", "system:authenticated"],
  });
  // @kubernetes/client-node refuses plain http unless TLS checks are off: serve TLS for 127.0.0.1.
  const tls = loopbackCertificate();
  const server = await serveFake({
    handle: (req) => route(state, req),
    errorBody: (status) => statusBody(status),
    requestIdHeader: "audit-id",
    tls,
  });
  return {
    url: server.url,
    ca: tls.cert.trim(),
    state,
    adminToken,
    calls: server.calls,
    injectFault: server.injectFault,
    stop: server.stop,
  };
}
