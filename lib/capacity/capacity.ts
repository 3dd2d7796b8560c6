import { ALERT_RATIO } from "./limits";

export type Capacity = {
  used: number;
  limit: number;
  /** Slots left now (never negative, even when an override was lowered below the usage). */
  free: number;
  /** Usage once the new roles exist. */
  afterApproval: number;
  /** For the approver, when the new roles take the target to the alert threshold or past its limit. */
  warning: string | null;
};

const count = (n: number) => `${n} ${n === 1 ? "slot" : "slots"}`;
const last = (n: number) => (n === 1 ? "the last slot" : `the last ${n} slots`);

/** Where a target stands, and what `newRoles` more would do to it. Pure: the table tests pin the wording. */
export function capacityFor(used: number, limit: number, newRoles: number): Capacity {
  const free = Math.max(limit - used, 0);
  const afterApproval = used + newRoles;
  let warning: string | null = null;
  if (newRoles > 0) {
    if (afterApproval > limit) {
      const left = free === 0 ? "none is" : `only ${free} ${free === 1 ? "is" : "are"}`;
      warning = `needs ${count(newRoles)} but ${left} free`;
    } else if (free === newRoles) {
      warning = `this would use ${last(newRoles)}`;
    } else if (afterApproval >= limit * ALERT_RATIO) {
      warning = `this would use ${newRoles} of the last ${free} free slots`;
    }
  }
  return { used, limit, free, afterApproval, warning };
}

/** At or above `ratio` of the limit (a zero limit is always full). */
export function atRatio(used: number, limit: number, ratio: number): boolean {
  return limit <= 0 || used >= limit * ratio;
}
