/**
 * Who is on call, behind a small port so the policy engine never knows which paging service answers.
 * PagerDuty is the one adapter (./pagerduty.ts); tests and installs without one use `noOnCall`.
 */
export interface OnCallDirectory {
  readonly kind: "pagerduty" | "none";
  /** Emails (lower-case) of the people on call right now for the service; cached by the adapter. */
  onCallEmails(serviceId: string): Promise<ReadonlySet<string>>;
}

/** No paging service configured: nobody is ever on call, so on-call rules never auto-approve. */
export const noOnCall: OnCallDirectory = {
  kind: "none",
  async onCallEmails() {
    return new Set();
  },
};

/** Is this person on call for every one of the services? (A target with no service mapped: no.) */
export async function isOnCallForAll(
  dir: OnCallDirectory,
  email: string,
  serviceIds: readonly (string | null)[],
): Promise<boolean> {
  if (serviceIds.length === 0) return false;
  const who = email.toLowerCase();
  for (const id of serviceIds) {
    if (!id) return false;
    if (!(await dir.onCallEmails(id)).has(who)) return false;
  }
  return true;
}
