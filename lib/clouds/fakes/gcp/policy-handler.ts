import { createHash } from "node:crypto";
import { refuseCondition } from "./condition-rules";
import { gcpError } from "./errors";
import type { FakeReply } from "./fake-http";
import { type FakeBinding, type FakeGcpState, type FakeProject, GCP_LIMITS } from "./state";

const MEMBER =
  /^(user|group|serviceAccount):[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$|^domain:[A-Za-z0-9.-]+$/;

type PolicyBody = { version?: number; bindings?: FakeBinding[]; etag?: string };

function view(state: FakeGcpState, p: FakeProject, requested: number): FakeReply {
  const conditional = p.bindings.some((b) => b.condition);
  // Documented: asking for an older version of a conditional policy gets "_withcond_" roles, no conditions.
  const bindings =
    requested >= 3 || !conditional
      ? p.bindings
      : p.bindings.map((b) =>
          b.condition
            ? {
                role: `${b.role}_withcond_${createHash("sha1").update(b.condition.expression).digest("hex").slice(0, 20)}`,
                members: b.members,
              }
            : b,
        );
  const version = requested >= 3 ? p.version : 1;
  return { status: 200, body: { version, etag: state.etagOf(p), bindings } };
}

/** Resource Manager v3 `projects.getIamPolicy` / `projects.setIamPolicy` with etags and conditions. */
export function handlePolicy(state: FakeGcpState, projectId: string, verb: string, body: unknown): FakeReply {
  const p = state.project(projectId);
  if (verb === "getIamPolicy") {
    const requested =
      (body as { options?: { requestedPolicyVersion?: number } })?.options?.requestedPolicyVersion ?? 0;
    return view(state, p, requested);
  }
  const policy = ((body as { policy?: PolicyBody })?.policy ?? {}) as PolicyBody;
  if (policy.etag && policy.etag !== state.etagOf(p)) {
    return gcpError(
      409,
      "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.",
      "ABORTED",
    );
  }
  const bindings = policy.bindings ?? [];
  const version = policy.version ?? 1;
  const conditional = bindings.some((b) => b.condition);
  // Any change to a policy with conditional bindings must say version 3 (Policy.version).
  if (conditional && version !== 3) {
    return gcpError(400, `Conditional role bindings require policy version 3, not ${version}.`);
  }
  let principals = 0;
  const merged = new Map<string, FakeBinding>();
  for (const b of bindings) {
    if (!b.role || !b.members?.length)
      return gcpError(400, "A binding needs a role and at least one member.");
    const refused = refuseCondition(b);
    if (refused) return refused;
    const bad = b.members.find((m) => !MEMBER.test(m));
    if (bad) return gcpError(400, `Invalid member ${bad}.`);
    const custom = /^projects\/([^/]+)\/roles\/([^/]+)$/.exec(b.role);
    if (custom && (custom[1] !== projectId || !p.roles.get(custom[2]) || p.roles.get(custom[2])?.deleted)) {
      return gcpError(400, `Role (${b.role}) does not exist in the resource's hierarchy.`);
    }
    principals += b.members.length;
    // Google merges bindings with the same role and condition.
    const key = JSON.stringify([b.role, b.condition?.title ?? "", b.condition?.expression ?? ""]);
    const prior = merged.get(key);
    merged.set(
      key,
      prior ? { ...prior, members: [...new Set([...prior.members, ...b.members])] } : structuredClone(b),
    );
  }
  if (principals > GCP_LIMITS.principalsPerPolicy) {
    return gcpError(
      400,
      `The policy has more than ${GCP_LIMITS.principalsPerPolicy} principals.`,
      "FAILED_PRECONDITION",
    );
  }
  state.writePolicy(p, [...merged.values()], conditional ? 3 : version);
  return view(state, p, 3);
}
