import type { AppRole } from "@/db/schema/enums";

export const PERMISSIONS = [
  "requests.create",
  "requests.read.own",
  "requests.read.all",
  "requests.approve",
  "grants.read.own",
  "grants.read.all",
  "grants.revoke",
  "targets.manage",
  "templates.edit",
  "policies.edit",
  "users.manage",
  "tokens.manage",
  "audit.read",
  /** Compliance report schedules and access-review campaigns (admins). */
  "compliance.manage",
  "system.health",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The one role→permission table. Code checks permissions, never role names. */
export const ROLE_PERMISSIONS: Record<AppRole, readonly Permission[]> = {
  requester: ["requests.create", "requests.read.own", "grants.read.own", "tokens.manage"],
  approver: ["requests.create", "requests.read.own", "grants.read.own", "requests.approve", "tokens.manage"],
  auditor: ["requests.read.own", "grants.read.own", "requests.read.all", "grants.read.all", "audit.read"],
  admin: PERMISSIONS,
};

export function permissionsFor(roles: Iterable<AppRole>): Set<Permission> {
  const out = new Set<Permission>();
  for (const role of roles) for (const p of ROLE_PERMISSIONS[role] ?? []) out.add(p);
  return out;
}
