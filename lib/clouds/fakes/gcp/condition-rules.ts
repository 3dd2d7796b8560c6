import { checkGcpCondition } from "@/lib/iam/gcp-eval";
import { gcpError } from "./errors";
import type { FakeReply } from "./fake-http";
import { type FakeBinding, GCP_LIMITS } from "./state";

/** Legacy basic roles: IAM refuses any condition on them. */
const BASIC = new Set(["roles/owner", "roles/editor", "roles/viewer"]);

/**
 * What setIamPolicy refuses in a conditional binding (IAM Conditions limitations): conditions on basic
 * roles, a missing or over-long title, an empty or over-long expression, and an expression that does not
 * parse or type-check as IAM's CEL subset (or has more than 12 logical operators: IAM quotas).
 */
export function refuseCondition(b: FakeBinding): FakeReply | null {
  const c = b.condition;
  if (!c) return null;
  if (BASIC.has(b.role)) {
    return gcpError(
      400,
      `Conditions are not supported for basic role ${b.role}; use a predefined or custom role.`,
    );
  }
  if (!c.title || c.title.length > GCP_LIMITS.conditionTitleChars) {
    return gcpError(
      400,
      `A condition needs a title of at most ${GCP_LIMITS.conditionTitleChars} characters.`,
    );
  }
  if (!c.expression) return gcpError(400, "A condition needs an expression.");
  if (c.expression.length > GCP_LIMITS.conditionExpressionChars) {
    return gcpError(
      400,
      `The condition expression is ${c.expression.length} characters; the limit is ${GCP_LIMITS.conditionExpressionChars}.`,
    );
  }
  const invalid = checkGcpCondition(c.expression);
  return invalid ? gcpError(400, `Condition expression is invalid: ${invalid}.`) : null;
}
