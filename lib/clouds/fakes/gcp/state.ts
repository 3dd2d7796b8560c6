import { evaluateGcp, type GcpResource } from "@/lib/iam/gcp-eval";
import { isDenied } from "./deny-handler";

/** Documented IAM limits the fake enforces (each test in roles.test.ts / policy.test.ts cites its page). */
export const GCP_LIMITS = {
  rolesPerProject: 300,
  permissionsPerRole: 3_000,
  principalsPerPolicy: 1_500,
  roleTitleChars: 100,
  roleDescriptionChars: 300,
  conditionTitleChars: 100,
  conditionExpressionChars: 12_800,
  /** A deleted role can be undeleted, and counts toward the quota, for 7 days; its id stays taken for 37. */
  deletedRoleKeptDays: 7,
  deletedRoleIdReservedDays: 37,
};
const DAY_MS = 86_400_000;

/**
 * Permissions Google reports as NOT_SUPPORTED in custom roles, served by the default catalog (tests that
 * load their own catalog replace it). Google refuses this one with "... is not supported in custom roles."
 */
export const KNOWN_NOT_SUPPORTED: FakeTestablePermission[] = [
  { name: "cloudonefs.isiloncloud.com/clusters.list", stage: "GA", customRolesSupportLevel: "NOT_SUPPORTED" },
];

export type FakeRole = {
  name: string;
  title: string;
  description: string;
  includedPermissions: string[];
  stage: string;
  etag: string;
  deleted: boolean;
};
/** A predefined role as `roles.list` returns it with view FULL. */
export type FakePredefinedRole = {
  name: string;
  title?: string;
  description?: string;
  includedPermissions?: string[];
  stage?: string;
  etag?: string;
};
type SupportLevel = "SUPPORTED" | "TESTING" | "NOT_SUPPORTED";
/** A permission as `queryTestablePermissions` returns it (SUPPORTED is the default, so often omitted). */
export type FakeTestablePermission = {
  name: string;
  title?: string;
  description?: string;
  stage?: string;
  customRolesSupportLevel?: SupportLevel;
  apiDisabled?: boolean;
};
export type FakeCondition = { title: string; description?: string; expression: string };
export type FakeBinding = { role: string; members: string[]; condition?: FakeCondition };

/** An IAM v2 deny policy as the API returns it. */
export type FakeDenyPolicy = {
  name: string;
  uid: string;
  kind: string;
  displayName: string;
  etag: string;
  createTime: string;
  rules: {
    denyRule: { deniedPrincipals: string[]; deniedPermissions: string[]; exceptionPrincipals?: string[] };
  }[];
};

export type FakeProject = {
  /** IAM v2 deny policies attached to the project, by policy id. */
  denyPolicies: Map<string, FakeDenyPolicy>;
  roles: Map<string, FakeRole>;
  bindings: FakeBinding[];
  version: number;
  etagSeq: number;
  /** Every policy version with the time it was written, for propagation-delayed access checks. */
  history: { at: number; bindings: FakeBinding[] }[];
  /** When each role id was deleted: tests move it back in time to age a deletion. */
  deletedAt: Map<string, number>;
};

/** What the fake Google Cloud holds: projects with custom roles and a version-3 allow policy. */
export class FakeGcpState {
  readonly projects = new Map<string, FakeProject>();
  /** Which project a Cloud Storage bucket belongs to (its names say `projects/_`): for the troubleshooter. */
  readonly bucketProjects = new Map<string, string>();
  propagationDelayMs = 0;
  /** The catalog Google serves to everyone: tests load it (e.g. from the shared iam-dataset). */
  predefinedRoles: FakePredefinedRole[] = [];
  testablePermissions: FakeTestablePermission[] = [...KNOWN_NOT_SUPPORTED];
  /** Largest catalog page the fake answers (Google: 1,000); small values exercise paging. */
  catalogPageSize = 1000;

  project(id: string): FakeProject {
    let p = this.projects.get(id);
    if (!p) {
      p = {
        roles: new Map(),
        bindings: [],
        version: 1,
        etagSeq: 1,
        history: [],
        deletedAt: new Map(),
        denyPolicies: new Map(),
      };
      this.projects.set(id, p);
    }
    this.purgeDeletedRoles(p);
    return p;
  }

  /**
   * Google's permanent deletion, 7 days after roles.delete: the role is gone (no longer counted, no
   * undelete) and bindings to it are removed; its id cannot be created again until day 37.
   */
  private purgeDeletedRoles(p: FakeProject, now = Date.now()): void {
    const gone = new Set<string>();
    for (const [id, at] of p.deletedAt) {
      const age = now - at;
      if (age >= GCP_LIMITS.deletedRoleIdReservedDays * DAY_MS) p.deletedAt.delete(id);
      if (age >= GCP_LIMITS.deletedRoleKeptDays * DAY_MS && p.roles.get(id)?.deleted) {
        p.roles.delete(id);
        gone.add(id);
      }
    }
    if (gone.size === 0) return;
    const kept = p.bindings.filter((b) => !gone.has(b.role.split("/roles/")[1] ?? ""));
    if (kept.length !== p.bindings.length) this.writePolicy(p, kept, p.version);
  }

  /** The id was deleted less than 37 days ago (whether or not the role can still be undeleted). */
  isIdReserved(p: FakeProject, roleId: string): boolean {
    return p.deletedAt.has(roleId) || Boolean(p.roles.get(roleId)?.deleted);
  }

  /** The catalog's support level (absent = SUPPORTED), re-indexed whenever the test changes the catalog. */
  supportLevel(permission: string): SupportLevel | undefined {
    const of = this.testablePermissions;
    if (this.levels?.of !== of || this.levels.n !== of.length) {
      this.levels = { of, n: of.length, byName: new Map(of.map((t) => [t.name, t.customRolesSupportLevel])) };
    }
    return this.levels.byName.get(permission);
  }
  private levels?: { of: unknown[]; n: number; byName: Map<string, SupportLevel | undefined> };

  etagOf(p: FakeProject): string {
    return Buffer.from(`BwX${p.etagSeq}`).toString("base64");
  }

  writePolicy(p: FakeProject, bindings: FakeBinding[], version: number): void {
    p.bindings = bindings;
    p.version = version;
    p.etagSeq += 1;
    p.history.push({ at: Date.now(), bindings: structuredClone(bindings) });
  }

  /**
   * Would Google allow `member` to use `permission` on `resource` (default: the project) at `at`? The policy
   * in force is the one written at least `propagationDelayMs` earlier; conditions are evaluated by the
   * documentation-based oracle (lib/iam/gcp-eval), not by the adapter's own code.
   */
  canAccess(
    projectId: string,
    member: string,
    permission: string,
    at = Date.now(),
    resource?: GcpResource,
  ): boolean {
    const p = this.projects.get(projectId);
    if (!p) return false;
    // Deny policies are evaluated before allow policies: a denied permission is denied whatever binds it.
    if (isDenied(p.denyPolicies.values(), member, permission)) return false;
    const inForce = p.history.filter((h) => h.at <= at - this.propagationDelayMs).at(-1)?.bindings ?? [];
    const bindings = inForce.flatMap((b) => {
      const role = p.roles.get(b.role.split("/roles/")[1] ?? "");
      if (!role || role.deleted || b.role !== role.name) return [];
      return [
        {
          role: { includedPermissions: role.includedPermissions },
          members: b.members,
          condition: b.condition,
        },
      ];
    });
    const on = resource ?? {
      type: "cloudresourcemanager.googleapis.com/Project",
      name: `projects/${projectId}`,
    };
    return (
      evaluateGcp(bindings, { permission, member, resource: on, time: new Date(at) }).decision === "allow"
    );
  }
}
