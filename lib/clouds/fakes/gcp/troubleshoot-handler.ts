import { evaluateGcpCondition } from "@/lib/iam/gcp-cel";
import { gcpError } from "./errors";
import type { FakeReply } from "./fake-http";
import type { FakeBinding, FakeGcpState, FakeProject } from "./state";

/**
 * Policy Troubleshooter v3 `locations.global:troubleshoot` over the fake's stored allow policies, with the
 * documentation-based evaluator of lib/iam (CEL on @bufbuild/cel) for conditions. Response fields and enum
 * values as the v3 REST reference names them:
 * https://cloud.google.com/policy-intelligence/docs/reference/policytroubleshooter/rest/v3/iam/troubleshoot
 * Modelled: the project policy in force (propagation delay included), custom and predefined roles, direct
 * `user:`/`serviceAccount:` members, conditions on request.time and resource.type/name/service. The fake
 * holds no deny policies (it answers NOT_DENIED) and resolves no group membership.
 */

const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}$/;
const PERMISSION = /^[a-z][a-z0-9]*(\.[a-zA-Z0-9]+){2,}$/;
const FULL_NAME = /^\/\/([a-z0-9.-]+\.googleapis\.com)\/(.+)$/;

type Tuple = {
  principal?: unknown;
  fullResourceName?: unknown;
  permission?: unknown;
  conditionContext?: {
    resource?: { service?: unknown; name?: unknown; type?: unknown };
    request?: { receiveTime?: unknown };
  };
};

/** Resource type from a full resource name, for the forms the conditions page lists (else undefined). */
const TYPES: [RegExp, string, string][] = [
  [/^projects\/[^/]+$/, "cloudresourcemanager.googleapis.com/Project", "cloudresourcemanager.googleapis.com"],
  [
    /^projects\/[^/]+\/zones\/[^/]+\/instances\/[^/]+$/,
    "compute.googleapis.com/Instance",
    "compute.googleapis.com",
  ],
  [/^projects\/_\/buckets\/[^/]+$/, "storage.googleapis.com/Bucket", "storage.googleapis.com"],
  [/^projects\/_\/buckets\/[^/]+\/objects\/.+$/, "storage.googleapis.com/Object", "storage.googleapis.com"],
  [/^projects\/[^/]+\/instances\/[^/]+$/, "sqladmin.googleapis.com/Instance", "sqladmin.googleapis.com"],
  [
    /^projects\/[^/]+\/locations\/[^/]+\/clusters\/[^/]+$/,
    "container.googleapis.com/Cluster",
    "container.googleapis.com",
  ],
  [
    /^projects\/[^/]+\/secrets\/[^/]+$/,
    "secretmanager.googleapis.com/Secret",
    "secretmanager.googleapis.com",
  ],
  [
    /^projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/]+$/,
    "secretmanager.googleapis.com/SecretVersion",
    "secretmanager.googleapis.com",
  ],
];

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The project a resource lives in: named in it, or for Cloud Storage (`projects/_`) where a test put it. */
function projectOf(state: FakeGcpState, name: string): string | undefined {
  const own = /^projects\/([^/]+)/.exec(name)?.[1];
  if (own && own !== "_") return own;
  const bucket = /^projects\/_\/buckets\/([^/]+)/.exec(name)?.[1];
  const placed = bucket ? state.bucketProjects.get(bucket) : undefined;
  if (placed) return placed;
  return state.projects.size === 1 ? [...state.projects.keys()][0] : undefined;
}

function rolePermissions(state: FakeGcpState, p: FakeProject, role: string): string[] | null {
  const custom = p.roles.get(role.split("/roles/")[1] ?? "");
  if (custom && role === custom.name) return custom.deleted ? null : custom.includedPermissions;
  return state.predefinedRoles.find((r) => r.name === role)?.includedPermissions ?? null;
}

type Explained = {
  allowAccessState: string;
  role: string;
  rolePermission: string;
  combinedMembership: { membership: string };
  condition?: { title?: string; expression: string };
  conditionExplanation?: { value?: boolean; errors?: { message: string }[] };
};

function explain(
  state: FakeGcpState,
  p: FakeProject,
  b: FakeBinding,
  tuple: {
    member: string[];
    permission: string;
    time: Date;
    resource: { type: string; name: string; service?: string } | null;
  },
): Explained {
  const included = rolePermissions(state, p, b.role)?.includes(tuple.permission) ?? false;
  const matched = b.members.some((m) => tuple.member.includes(m));
  const out: Explained = {
    allowAccessState: "ALLOW_ACCESS_STATE_NOT_GRANTED",
    role: b.role,
    rolePermission: included ? "ROLE_PERMISSION_INCLUDED" : "ROLE_PERMISSION_NOT_INCLUDED",
    combinedMembership: { membership: matched ? "MEMBERSHIP_MATCHED" : "MEMBERSHIP_NOT_MATCHED" },
  };
  let condition: "true" | "false" | "unknown" = "true";
  if (b.condition) {
    out.condition = { title: b.condition.title, expression: b.condition.expression };
    const r = tuple.resource
      ? evaluateGcpCondition(b.condition.expression, { time: tuple.time, resource: tuple.resource })
      : ({ kind: "error", error: "no resource attributes for this resource" } as const);
    condition = r.kind === "error" ? "unknown" : r.kind;
    out.conditionExplanation =
      r.kind === "error" ? { errors: [{ message: r.error }] } : { value: r.kind === "true" };
  }
  if (included && matched) {
    out.allowAccessState =
      condition === "true"
        ? "ALLOW_ACCESS_STATE_GRANTED"
        : condition === "unknown"
          ? "ALLOW_ACCESS_STATE_UNKNOWN_CONDITIONAL"
          : "ALLOW_ACCESS_STATE_NOT_GRANTED";
  }
  return out;
}

export function troubleshoot(state: FakeGcpState, body: unknown): FakeReply {
  const tuple = ((body as { accessTuple?: Tuple } | undefined)?.accessTuple ?? {}) as Tuple;
  const principal = str(tuple.principal) ?? "";
  const permission = str(tuple.permission) ?? "";
  const fullResourceName = str(tuple.fullResourceName) ?? "";
  if (!EMAIL.test(principal))
    return gcpError(
      400,
      "accessTuple.principal must be the e-mail address of a Google Account or service account.",
    );
  if (!PERMISSION.test(permission))
    return gcpError(400, `accessTuple.permission '${permission.slice(0, 80)}' is not a valid permission.`);
  const full = FULL_NAME.exec(fullResourceName);
  if (!full)
    return gcpError(400, "accessTuple.fullResourceName must be a full resource name (//service/...).");
  const name = full[2];
  const projectId = projectOf(state, name);
  const p = projectId ? state.projects.get(projectId) : undefined;
  if (!p) return gcpError(404, `Resource ${fullResourceName} was not found.`, "NOT_FOUND");

  const receive = str(tuple.conditionContext?.request?.receiveTime);
  const time = receive ? new Date(receive) : new Date();
  if (Number.isNaN(time.getTime()))
    return gcpError(400, "conditionContext.request.receiveTime is not a valid timestamp.");
  const known = TYPES.find(([re]) => re.test(name));
  const given = tuple.conditionContext?.resource;
  // The resource's own attributes where its name form is known, else the ones the caller supplied.
  const resource = known
    ? { type: known[1], name, service: known[2] }
    : str(given?.type) && str(given?.name)
      ? { type: str(given?.type) ?? "", name: str(given?.name) ?? "", service: str(given?.service) }
      : null;

  const inForce =
    p.history.filter((h) => h.at <= Date.now() - state.propagationDelayMs).at(-1)?.bindings ?? [];
  const member = [`user:${principal}`, `serviceAccount:${principal}`];
  const bindingExplanations = inForce.map((b) =>
    explain(state, p, b, { member, permission, time, resource }),
  );
  const states = new Set(bindingExplanations.map((x) => x.allowAccessState));
  const allow = states.has("ALLOW_ACCESS_STATE_GRANTED")
    ? "ALLOW_ACCESS_STATE_GRANTED"
    : states.has("ALLOW_ACCESS_STATE_UNKNOWN_CONDITIONAL")
      ? "ALLOW_ACCESS_STATE_UNKNOWN_CONDITIONAL"
      : "ALLOW_ACCESS_STATE_NOT_GRANTED";
  const overall =
    allow === "ALLOW_ACCESS_STATE_GRANTED"
      ? "CAN_ACCESS"
      : allow === "ALLOW_ACCESS_STATE_UNKNOWN_CONDITIONAL"
        ? "UNKNOWN_CONDITIONAL"
        : "CANNOT_ACCESS";
  return {
    status: 200,
    body: {
      overallAccessState: overall,
      accessTuple: { ...tuple, principal, permission, fullResourceName },
      allowPolicyExplanation: {
        allowAccessState: allow,
        explainedPolicies: [
          {
            allowAccessState: allow,
            fullResourceName: `//cloudresourcemanager.googleapis.com/projects/${projectId}`,
            bindingExplanations,
          },
        ],
      },
      denyPolicyExplanation: { denyAccessState: "DENY_ACCESS_STATE_NOT_DENIED", explainedResources: [] },
    },
  };
}
