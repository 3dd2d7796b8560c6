import type { ReportGrouping } from "@/db/schema/enums";

export type AccessRow = {
  grantId: string;
  requestId: string;
  person: string;
  target: string;
  template: string;
  status: string;
  requestedAt: string;
  activatedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  justification: string;
  approvals: { approver: string; verdict: string; channel: string; at: string; comment: string | null }[];
  removal: { at: string; cloudRequestIds: string[]; absentOnReadBack: boolean | null } | null;
};

export type AccessReport = {
  from: string;
  to: string;
  by: ReportGrouping;
  generatedAt: string;
  /** Section key → "Framework id title" labels (lib/compliance/controls.ts). */
  controls: Record<string, string[]>;
  access: { key: string; grants: number; rows: AccessRow[] }[];
  lateness: {
    /** Revocations of grants that expired in the period: seconds between expiry and removal. */
    count: number;
    p50: number | null;
    p95: number | null;
    max: number | null;
    buckets: { label: string; count: number }[];
  };
  failures: {
    grantId: string;
    person: string;
    target: string;
    status: string;
    events: string[];
    lastError: string | null;
    resolution: string;
  }[];
  selfApprovals: { at: string; person: string; requestId: string; channel: string }[];
  breakGlass: { count: number; events: { at: string; actor: string; subjectId: string }[] };
  standingAccess: StandingAccess;
};

export type StandingAccess = {
  checkedAt: string;
  targets: number;
  bindings: number;
  roles: number;
  /** True when every managed binding and role found is explained by a live grant (or awaits role clean-up). */
  accounted: boolean;
  unaccounted: { target: string; kind: "binding" | "role"; name: string; grantId: string | null }[];
  /** Targets whose inventory could not be read: the statement does not cover them. */
  errors: { target: string; error: string }[];
};
