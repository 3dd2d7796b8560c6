import { OKTA_PERMISSIONS } from "@/lib/clouds/okta/permissions";
import type { RawEntry } from "./types";

/** Okta's custom admin role permissions (lib/clouds/okta/permissions.ts, from Okta's permissions guide). */
export function builtinOktaEntries(): RawEntry[] {
  return OKTA_PERMISSIONS.map(([name, description, accessLevel, escalation]) => ({
    cloud: "okta",
    service: name.split(".")[1],
    name,
    description,
    accessLevel,
    resourceTypes: [],
    conditionKeys: [],
    ...(escalation ? { extraRisk: [escalation] } : {}),
  }));
}
