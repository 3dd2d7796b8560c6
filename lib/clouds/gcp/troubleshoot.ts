import type { AuthClient } from "google-auth-library";
import type { RoleSpec } from "@/db/schema";
import { GCP_PROJECT_TYPE, gcpCheckedOn, gcpClauseResources } from "@/lib/catalog/gcp-conditions";
import type { CloudAccessCheck } from "@/lib/clouds/port";
import { recordResponse } from "./request-ids";

/**
 * Policy Troubleshooter v3, `locations.global:troubleshoot`: Google's own answer to "may this principal use
 * this permission on this resource", over every allow policy in the resource's hierarchy and every deny
 * policy, with conditions evaluated against the context given. It answers for the principal named in the
 * request, not for the caller (unlike `testIamPermissions`).
 * https://cloud.google.com/policy-intelligence/docs/reference/policytroubleshooter/rest/v3/iam/troubleshoot
 * https://cloud.google.com/policy-intelligence/docs/troubleshoot-access
 */
export const TROUBLESHOOT_PATH = "/v3/locations/global:troubleshoot";

/** Permissions asked per grant (one call each); the rest are in the role and in the offline evaluation. */
export const MAX_TROUBLESHOOT_PERMISSIONS = 10;
/** Calls in flight at once: the check runs inside the 5 s budget of lib/grants/cloud-check.ts. */
const CONCURRENCY = 5;

/** A resource as IAM Conditions see it (resource.service/type/name) and as the troubleshooter names it. */
export type TroubleshootResource = {
  fullResourceName: string;
  service: string;
  type: string;
  name: string;
};

/** `overallAccessState` as the v3 reference lists it. */
export type OverallAccessState =
  | "OVERALL_ACCESS_STATE_UNSPECIFIED"
  | "CAN_ACCESS"
  | "CANNOT_ACCESS"
  | "UNKNOWN_INFO"
  | "UNKNOWN_CONDITIONAL";

export type TroubleshootRequest = {
  accessTuple: {
    principal: string;
    fullResourceName: string;
    permission: string;
    conditionContext?: {
      resource?: { service?: string; name?: string; type?: string };
      request?: { receiveTime?: string };
    };
  };
};
export type TroubleshootResponse = {
  overallAccessState?: OverallAccessState;
  allowPolicyExplanation?: { allowAccessState?: string };
  denyPolicyExplanation?: { denyAccessState?: string };
};

/** Per resource type: its service and the host of its full resource name (names from the conditions page). */
const SERVICES: Record<string, { service: string; host: string }> = {
  [GCP_PROJECT_TYPE]: {
    service: "cloudresourcemanager.googleapis.com",
    host: "cloudresourcemanager.googleapis.com",
  },
  "compute.googleapis.com/Instance": { service: "compute.googleapis.com", host: "compute.googleapis.com" },
  "storage.googleapis.com/Bucket": { service: "storage.googleapis.com", host: "storage.googleapis.com" },
  "storage.googleapis.com/Object": { service: "storage.googleapis.com", host: "storage.googleapis.com" },
  // Cloud SQL: conditions say sqladmin.googleapis.com, full resource names say cloudsql.googleapis.com.
  "sqladmin.googleapis.com/Instance": { service: "sqladmin.googleapis.com", host: "cloudsql.googleapis.com" },
  "container.googleapis.com/Cluster": {
    service: "container.googleapis.com",
    host: "container.googleapis.com",
  },
  "secretmanager.googleapis.com/Secret": {
    service: "secretmanager.googleapis.com",
    host: "secretmanager.googleapis.com",
  },
  "secretmanager.googleapis.com/SecretVersion": {
    service: "secretmanager.googleapis.com",
    host: "secretmanager.googleapis.com",
  },
};

/** A resource of `type` named as the conditions page writes `resource.name`, with its full resource name. */
export function troubleshootResource(type: string, name: string): TroubleshootResource {
  const s = SERVICES[type] ?? SERVICES[GCP_PROJECT_TYPE];
  return { fullResourceName: `//${s.host}/${name}`, service: s.service, type, name };
}

/**
 * The resource each permission is asked on: where its type's clause in the binding condition names one
 * (lib/catalog/gcp-conditions.ts: the grant's bucket, a sample object in it, its secret, …), that resource;
 * otherwise the project, where project-wide permissions are checked. The first
 * MAX_TROUBLESHOOT_PERMISSIONS permissions are asked.
 */
export function troubleshootPlan(
  spec: RoleSpec,
  project: string,
): { permission: string; resource: TroubleshootResource }[] {
  const onProject = troubleshootResource(GCP_PROJECT_TYPE, `projects/${project}`);
  const condition = spec.binding?.resourceCondition;
  const named = condition ? gcpClauseResources(condition, project) : new Map<string, string>();
  return spec.permissions.slice(0, MAX_TROUBLESHOOT_PERMISSIONS).map((permission) => {
    const type = gcpCheckedOn(permission);
    const name = type === GCP_PROJECT_TYPE ? undefined : named.get(type);
    return { permission, resource: name ? troubleshootResource(type, name) : onProject };
  });
}

/** The request body for one permission on one resource at `at`, with the resource attributes and time. */
export function troubleshootRequest(
  email: string,
  permission: string,
  resource: TroubleshootResource,
  at: Date,
): TroubleshootRequest {
  return {
    accessTuple: {
      principal: email,
      fullResourceName: resource.fullResourceName,
      permission,
      conditionContext: {
        resource: { service: resource.service, name: resource.name, type: resource.type },
        request: { receiveTime: at.toISOString() },
      },
    },
  };
}

/** One `troubleshoot` call over REST through the authorized client; errors are thrown as gaxios raised them. */
export function troubleshooterApi(client: AuthClient, baseUrl: string, timeoutMs: number) {
  const base = baseUrl.replace(/\/+$/, "");
  return async (body: TroubleshootRequest): Promise<TroubleshootResponse> => {
    try {
      const res = await client.request<TroubleshootResponse>({
        url: `${base}${TROUBLESHOOT_PATH}`,
        method: "POST",
        data: body,
        timeout: timeoutMs,
      });
      recordResponse(res.headers);
      return res.data;
    } catch (e) {
      recordResponse((e as { response?: { headers?: { get(n: string): string | null } } }).response?.headers);
      throw e;
    }
  };
}

export type Troubleshooter = ReturnType<typeof troubleshooterApi>;

/** Asks every planned pair, a few at a time, and keeps Google's overall answer for each. */
export async function troubleshootAll(
  ask: (r: TroubleshootRequest) => Promise<TroubleshootResponse>,
  email: string,
  plan: { permission: string; resource: TroubleshootResource }[],
  at: Date,
): Promise<CloudAccessCheck[]> {
  const checks: CloudAccessCheck[] = new Array(plan.length);
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const i = next++;
      const { permission, resource } = plan[i];
      const answer = await ask(troubleshootRequest(email, permission, resource, at));
      const decision = answer.overallAccessState ?? "OVERALL_ACCESS_STATE_UNSPECIFIED";
      checks[i] = {
        permission,
        resource: resource.fullResourceName,
        allowed: decision === "CAN_ACCESS",
        decision,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, plan.length) }, worker));
  return checks;
}
