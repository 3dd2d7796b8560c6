/**
 * Concrete identifiers for the effective-access evidence (effective-access.ts): a real-looking id a grant's
 * pattern matches, and its sibling. Simple on purpose: they name what was evaluated, they prove nothing more.
 */
import type { RoleSpec } from "@/db/schema";
import { splitArn } from "@/lib/iam/aws-conditions";
import type { EffectiveDecision } from "./effective-access-shape";

/** One permission's evaluation: where, a sibling (or null), and the evaluator's answer at a time. */
export type Probe = {
  on: string;
  sibling: string | null;
  ask: (id: string, time: Date) => EffectiveDecision;
};
export type Planner = (spec: RoleSpec, notAfter: Date) => (permission: string) => Probe;

/**
 * `id` with the resource's `name` suffixed "-sibling": its last occurrence that starts a segment (after
 * start, "/" or ":") and ends one (before end, "/", ":" or "-"), so a prefix sibling results. Null if absent.
 */
export function siblingOf(id: string, name: string): string | null {
  if (name === "") return null;
  for (let at = id.lastIndexOf(name); at >= 0; at = at === 0 ? -1 : id.lastIndexOf(name, at - 1)) {
    const before = at === 0 ? "" : id[at - 1];
    const after = id[at + name.length] ?? "";
    if (["", "/", ":"].includes(before) && ["", "/", ":", "-"].includes(after))
      return `${id.slice(0, at)}${name}-sibling${id.slice(at + name.length)}`;
  }
  return null;
}

/** `${aws:userid}` of a role session (role id and session name), for Elevate's session ARNs. */
export const AWS_USERID = "AROAEXAMPLEID:elevate";
/**
 * An ARN the pattern matches: variables resolved, a wildcard region or account replaced by a real-looking
 * one, other `*` by "example" and each `?` by "x" (Secrets Manager's six-character suffix stays six long).
 */
export function concreteArn(pattern: string, place: { region: string; account: string }): string {
  const filled = (s: string) => s.replaceAll("*", "example").replaceAll("?", "x");
  const arn = pattern.replaceAll(`\${aws:userid}`, AWS_USERID);
  const parts = splitArn(arn);
  if (!parts) return filled(arn);
  if (parts[3] === "*") parts[3] = place.region;
  if (parts[4] === "*") parts[4] = place.account;
  return parts.map(filled).join(":");
}
