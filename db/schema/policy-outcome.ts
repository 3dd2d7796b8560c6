import type { PolicyDecision } from "./policies";

/** Why nobody had to approve: the rule ids that allowed it and which conditions held. */
export type AutoApproveReason = { ruleIds: string[]; conditions: string[] };

/**
 * The policy's evaluated outcome for one request, stored on it at submission: the evidence of which
 * version and rules judged it and what they decided (strictest over every target of the request).
 */
export type PolicyOutcome = {
  policyId: string;
  policyVersion: number;
  /** Rules that matched, over all targets, in document order. */
  ruleIds: string[];
  decision: PolicyDecision;
  /** Set when the request was approved automatically. */
  autoApproveReason: AutoApproveReason | null;
  stepUp: boolean;
  breakGlass: boolean;
};
