import { within } from "./scope";

/** Documented Azure RBAC limits the fake enforces (custom-roles, "Custom role limits" and properties). */
export const AZURE_LIMITS = {
  customRolesPerTenant: 5_000,
  assignmentsPerSubscription: 4_000,
  roleNameChars: 512,
  descriptionChars: 2048,
  assignableScopes: 2000,
};

export type FakeDefinition = {
  guid: string;
  roleName: string;
  description: string;
  permissions: {
    actions?: string[];
    notActions?: string[];
    dataActions?: string[];
    notDataActions?: string[];
  }[];
  assignableScopes: string[];
  createdOn: string;
};
export type FakeProviderOperation = {
  name: string;
  displayName?: string;
  description?: string;
  origin?: string;
  isDataAction?: boolean;
};
/** A resource provider as `providerOperations?$expand=resourceTypes` describes it. */
export type FakeProvider = {
  name: string;
  displayName?: string;
  operations: FakeProviderOperation[];
  resourceTypes: { name: string; displayName?: string; operations: FakeProviderOperation[] }[];
};
export type FakeAssignment = {
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType?: string;
  description?: string;
  createdOn: string;
  updatedOn: string;
};
export type FakeScheduleRequest = {
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  requestType: string;
  justification?: string;
  scheduleInfo?: {
    startDateTime?: string;
    expiration?: { type?: string; endDateTime?: string; duration?: string };
  };
  status: string;
  createdOn: string;
};
/**
 * A deny assignment as ARM lists it. Azure lets no one create these directly (blueprints, managed apps and
 * deployment stacks do), so tests put them into the state; the fake only lists them.
 */
export type FakeDenyAssignment = {
  name: string;
  denyAssignmentName: string;
  scope: string;
  permissions: {
    actions?: string[];
    notActions?: string[];
    dataActions?: string[];
    notDataActions?: string[];
  }[];
  principals: { id: string; type: string }[];
  excludePrincipals?: { id: string; type: string }[];
  doNotApplyToChildScopes?: boolean;
};
/** A period during which a principal held a role at a scope (lower-cased), for access checks. */
export type Window = {
  principalId: string;
  roleGuid: string;
  scope: string;
  from: number;
  until?: number;
  end?: number;
};

export const guidOf = (id: string) => id.split("/").at(-1)?.toLowerCase() ?? "";

/** What the fake Azure tenant holds: role definitions, assignments, PIM requests and access windows. */
export class FakeAzureState {
  readonly definitions = new Map<string, FakeDefinition>();
  readonly assignments = new Map<string, FakeAssignment>();
  readonly scheduleRequests = new Map<string, FakeScheduleRequest>();
  readonly denyAssignments: FakeDenyAssignment[] = [];
  readonly windows: Window[] = [];
  propagationDelayMs = 0;
  /**
   * The catalog Azure serves to every tenant: tests load it (e.g. from the shared iam-dataset). Role
   * definitions are checked against `providerOperations`; assign a new array to change it (lookups cache).
   */
  builtInDefinitions: FakeDefinition[] = [];
  providerOperations: FakeProvider[] = [];
  /** Largest catalog page the fake answers; small values exercise `nextLink` paging. */
  catalogPageSize = 500;
  private clock = 0;

  /** Strictly increasing timestamps, so "latest request" is well defined even within one millisecond. */
  now(): string {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return new Date(this.clock).toISOString();
  }

  activeWindow(scope: string, roleGuid: string, principalId: string, at = Date.now()): Window | undefined {
    return this.windows.find(
      (w) =>
        w.scope === scope.toLowerCase() &&
        w.roleGuid === roleGuid &&
        w.principalId === principalId &&
        w.until === undefined &&
        (w.end ?? Infinity) > at,
    );
  }

  /**
   * Would Azure let `principalId` perform `action` at `at` (on `resource`, when given: assignments
   * apply at their scope and below)? A change takes effect `propagationDelayMs` after it was made; a
   * PIM schedule ends at its end date regardless of Elevate.
   */
  canAccess(principalId: string, action: string, at = Date.now(), resource?: string): boolean {
    const d = this.propagationDelayMs;
    return this.windows.some((w) => {
      if (w.principalId !== principalId.toLowerCase()) return false;
      if (resource !== undefined && !within(resource, w.scope)) return false;
      if (
        w.from + d > at ||
        (w.until !== undefined && w.until + d <= at) ||
        (w.end !== undefined && w.end <= at)
      )
        return false;
      const def = this.definitions.get(w.roleGuid);
      return Boolean(
        def?.permissions.some((p) =>
          [...(p.actions ?? []), ...(p.dataActions ?? [])].some((a) => matches(a, action)),
        ),
      );
    });
  }
}

function matches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((x) => x.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return re.test(action);
}
