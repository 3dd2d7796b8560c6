/**
 * The per-grant documents. Dates come from typed values (a Date) and names from strict patterns, never
 * from free text, so nothing user-supplied is pasted into a policy.
 */
type PolicyDocument = { Version: "2012-10-17"; Statement: Record<string, unknown>[] };

/** ISO 8601 to the second, rounded down so the cloud never allows past the grant's expiry. */
export function awsTime(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Who may assume the grant's role, until when, and only under the grant id as session name. */
export function trustPolicy(principalArn: string, grantId: string, notAfter: Date): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ElevateRequester",
        Effect: "Allow",
        Principal: { AWS: principalArn },
        Action: "sts:AssumeRole",
        Condition: {
          DateLessThan: { "aws:CurrentTime": awsTime(notAfter) },
          // CloudTrail then attributes every call of the session to the grant.
          StringEquals: { "sts:RoleSessionName": grantId },
        },
      },
    ],
  };
}

/** An explicit Deny beats every Allow on the role, so one per-grant statement ends them all at expiry. */
export function expiryPolicy(notAfter: Date): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ElevateExpiry",
        Effect: "Deny",
        Action: "*",
        Resource: "*",
        Condition: { DateGreaterThanEquals: { "aws:CurrentTime": awsTime(notAfter) } },
      },
    ],
  };
}

/** AWS's documented "revoke older sessions" statement; rounded up so a session issued this second is cut too. */
export function revokeOlderSessionsPolicy(now: Date): PolicyDocument {
  const at = new Date(Math.ceil(now.getTime() / 1000) * 1000);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Deny",
        Action: ["*"],
        Resource: ["*"],
        Condition: { DateLessThan: { "aws:TokenIssueTime": awsTime(at) } },
      },
    ],
  };
}

/** Session length: at most the time left, but IAM's range is 1 to 12 hours (the expiry Deny covers the rest). */
export function maxSessionSeconds(notAfter: Date, now: number): number {
  const left = Math.floor((notAfter.getTime() - now) / 1000);
  return Math.min(43_200, Math.max(3_600, left));
}

/** IAM returns documents URL-encoded (RFC 3986). */
export function decodePolicy(encoded: string | undefined): Record<string, unknown> | null {
  if (!encoded) return null;
  try {
    return JSON.parse(decodeURIComponent(encoded)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The expiry instant written by `expiryPolicy`, read back from the role's inline policy. */
export function notAfterOf(doc: Record<string, unknown> | null): string | null {
  const statements = doc?.Statement;
  for (const s of Array.isArray(statements) ? statements : [statements]) {
    const cond = (s as { Condition?: { DateGreaterThanEquals?: Record<string, unknown> } } | undefined)
      ?.Condition;
    const value = cond?.DateGreaterThanEquals?.["aws:CurrentTime"];
    if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  }
  return null;
}
