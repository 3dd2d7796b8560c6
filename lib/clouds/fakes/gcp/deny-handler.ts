import { randomUUID } from "node:crypto";
import { gcpError } from "./errors";
import type { FakeReply, FakeRequest } from "./fake-http";
import type { FakeDenyPolicy, FakeGcpState } from "./state";

const POLICY_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A finished long-running operation carrying `response` (google.longrunning.Operation, done: true). */
function done(name: string, response: FakeDenyPolicy): FakeReply {
  return {
    status: 200,
    body: {
      name: `${name}/operations/${randomUUID()}`,
      done: true,
      metadata: {
        "@type": "type.googleapis.com/google.iam.v2.PolicyOperationMetadata",
        createTime: new Date().toISOString(),
      },
      response: { "@type": "type.googleapis.com/google.iam.v2.Policy", ...response },
    },
  };
}

/**
 * IAM v2 `policies` for deny policies attached to a project
 * (https://cloud.google.com/iam/docs/reference/rest/v2/policies): create (with policyId), get, list, delete.
 * Create and delete answer finished operations. Principals and permissions are checked for the v2 syntax.
 */
export function handleDeny(
  state: FakeGcpState,
  req: FakeRequest,
  projectId: string,
  policyId: string | undefined,
): FakeReply {
  const p = state.project(projectId);
  const parent = `policies/cloudresourcemanager.googleapis.com%2Fprojects%2F${projectId}/denypolicies`;
  if (!policyId && req.method === "GET")
    return { status: 200, body: { policies: [...p.denyPolicies.values()] } };
  if (!policyId && req.method === "POST") {
    const id = req.query.get("policyId") ?? "";
    if (!POLICY_ID.test(id)) return gcpError(400, `Invalid policy id ${id}.`);
    if (p.denyPolicies.has(id)) return gcpError(409, `Policy ${id} already exists.`, "ALREADY_EXISTS");
    const body = (req.body ?? {}) as {
      displayName?: string;
      rules?: { denyRule?: FakeDenyPolicy["rules"][number]["denyRule"] }[];
    };
    const rules = body.rules ?? [];
    if (rules.length === 0) return gcpError(400, "A policy needs at least one rule.");
    for (const r of rules) {
      const d = r.denyRule;
      if (!d?.deniedPrincipals?.length || !d.deniedPermissions?.length)
        return gcpError(400, "A deny rule needs principals and permissions.");
      const badPrincipal = d.deniedPrincipals.find((x) => !/^principal(Set)?:\/\/[^\s]+$/.test(x));
      if (badPrincipal) return gcpError(400, `Invalid principal ${badPrincipal}.`);
      const badPermission = d.deniedPermissions.find(
        (x) => !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.googleapis\.com\/[A-Za-z0-9*]+(\.[A-Za-z0-9*]+)+$/.test(x),
      );
      if (badPermission)
        return gcpError(400, `Permission ${badPermission} is not in SERVICE_FQDN/RESOURCE.ACTION form.`);
    }
    const policy: FakeDenyPolicy = {
      name: `${parent}/${id}`,
      uid: randomUUID(),
      kind: "DenyPolicy",
      displayName: body.displayName ?? "",
      etag: Buffer.from(randomUUID()).toString("base64"),
      createTime: new Date().toISOString(),
      rules: rules.map((r) => ({ denyRule: structuredClone(r.denyRule!) })),
    };
    p.denyPolicies.set(id, policy);
    return done(policy.name, policy);
  }
  const policy = policyId ? p.denyPolicies.get(policyId) : undefined;
  if (!policy) return gcpError(404, `Policy ${policyId} not found.`, "NOT_FOUND");
  if (req.method === "GET") return { status: 200, body: policy };
  if (req.method === "DELETE") {
    p.denyPolicies.delete(policyId!);
    return done(policy.name, policy);
  }
  return gcpError(405, "Method not allowed.");
}

/** Does a deny policy deny `member` (v1 syntax, user:EMAIL) the v1 `permission`? Deny wins over allow. */
export function isDenied(policies: Iterable<FakeDenyPolicy>, member: string, permission: string): boolean {
  const email = member.replace(/^user:/, "");
  const dot = permission.indexOf(".");
  const service = `${permission.slice(0, dot)}.googleapis.com`;
  const rest = permission.slice(dot + 1);
  const [resource] = rest.split(".");
  const forms = new Set([`${service}/${rest}`, `${service}/${resource}.*`, `${service}/*.*`]);
  for (const policy of policies) {
    for (const { denyRule } of policy.rules) {
      const who = denyRule.deniedPrincipals.some(
        (x) => x === `principal://goog/subject/${email}` || x === "principalSet://goog/public:all",
      );
      const except = (denyRule.exceptionPrincipals ?? []).includes(`principal://goog/subject/${email}`);
      if (who && !except && denyRule.deniedPermissions.some((x) => forms.has(x))) return true;
    }
  }
  return false;
}
