import { env } from "@/lib/env";
import { createPagerDutyDirectory } from "./pagerduty";
import { noOnCall, type OnCallDirectory } from "./port";

export { isOnCallForAll, noOnCall, type OnCallDirectory } from "./port";

let current: OnCallDirectory | undefined;

/** The configured directory: PagerDuty when PAGERDUTY_API_TOKEN is set, otherwise nobody is on call. */
export function onCallDirectory(): OnCallDirectory {
  if (current) return current;
  const e = env();
  current = e.PAGERDUTY_API_TOKEN
    ? createPagerDutyDirectory({
        token: e.PAGERDUTY_API_TOKEN,
        baseUrl: e.PAGERDUTY_API_URL,
        ttlMs: e.ELEVATE_ONCALL_CACHE_TTL_MS,
      })
    : noOnCall;
  return current;
}

/** Tests (and a restart after configuration changes) replace the directory. */
export function setOnCallDirectory(dir: OnCallDirectory | undefined): void {
  current = dir;
}
