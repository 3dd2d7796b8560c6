import type { PolicyDecision, PolicyDocument } from "@/db/schema";

/** What Elevate decided before the policy engine: one group, one approval, 8 hours, justification. */
export const DEFAULT_DECISION: PolicyDecision = {
  deny: false,
  approverGroups: ["approvers"],
  approvalsRequired: 1,
  maxDurationSeconds: 8 * 3600,
  justificationRequired: true,
  ticketRequired: false,
  ticketPatterns: [],
  autoApprove: null,
  extensions: { autoUpToSeconds: 8 * 3600 },
  breakGlass: { allowed: false, maxDurationSeconds: 3600, reviewWithinSeconds: 24 * 3600 },
  stepUp: false,
};

/** The fields of the one-document policy that came before (tests and the seed still speak them). */
export type LegacyPolicyFields = {
  approvalsRequired: number;
  approverGroup: string;
  maxDurationSeconds: number;
  justificationRequired: boolean;
  pendingTimeoutSeconds: number;
};

/** A version-2 document deciding what the legacy fields decided (the migration does the same in SQL). */
export function documentFromLegacy(p: Partial<LegacyPolicyFields> = {}): PolicyDocument {
  const max = p.maxDurationSeconds ?? DEFAULT_DECISION.maxDurationSeconds;
  return {
    schemaVersion: 2,
    pendingTimeoutSeconds: p.pendingTimeoutSeconds ?? 24 * 3600,
    defaults: {
      ...DEFAULT_DECISION,
      approverGroups: [p.approverGroup ?? "approvers"],
      approvalsRequired: p.approvalsRequired ?? DEFAULT_DECISION.approvalsRequired,
      maxDurationSeconds: max,
      justificationRequired: p.justificationRequired ?? DEFAULT_DECISION.justificationRequired,
      extensions: { autoUpToSeconds: max },
    },
    rules: [],
  };
}

export const DEFAULT_POLICY_DOCUMENT: PolicyDocument = documentFromLegacy();
