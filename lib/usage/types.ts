import type { UsageCloud } from "@/db/schema";

/** One permission the call exercised (a GCP entry can name several; the first is the record's own). */
export type Check = { permission: string; allowed: boolean; resource: string | null };

/** An audit record, mapped: who called what, when, with which outcome; not yet attributed. */
export type Observed = {
  cloud: UsageCloud;
  /** The event's own id (CloudTrail eventID, GCP logName|insertId, Azure eventDataId). */
  eventId: string;
  occurredAt: Date;
  /** AWS account, GCP project, Azure subscription, as the event names it. */
  scope: string | null;
  principal: string;
  /** AWS assumed-role session name; Elevate sets it to the grant id. */
  sessionName: string | null;
  /** AWS: the assumed role's name (`elevate-<grantId>` for Elevate's per-grant roles). */
  roleName: string | null;
  /** Azure: the GUID of the role assignment that allowed the call, when the event carries it. */
  roleAssignmentId: string | null;
  operation: string;
  checks: Check[];
};

export type Outcome =
  | { kind: "mapped"; event: Observed }
  | { kind: "unmappable" | "malformed"; reason: string };

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
/** Strings stored from logs are bounded: a hostile log cannot make one row huge. */
export const clip = (v: string | null, max = 2048): string | null =>
  v && v.length > max ? v.slice(0, max) : v;

export function parseTime(v: unknown): Date | null {
  if (typeof v !== "string" && typeof v !== "number") return null;
  const d = new Date(v);
  const t = d.getTime();
  // Postgres timestamptz holds years 4713 BC to 294276 AD; logs are from this era.
  return Number.isFinite(t) && t > 0 && t < 8.64e15 / 2 ? d : null;
}

export const malformed = (reason: string): Outcome => ({ kind: "malformed", reason });
export const unmappable = (reason: string): Outcome => ({ kind: "unmappable", reason });
