/** Documented IAM limits the fake enforces. */
export const GCP_LIMITS = { rolesPerProject: 300, permissionsPerRole: 3_000, principalsPerPolicy: 1_500 };

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
/** A permission as `queryTestablePermissions` returns it (SUPPORTED is the default, so often omitted). */
export type FakeTestablePermission = {
  name: string;
  title?: string;
  description?: string;
  stage?: string;
  customRolesSupportLevel?: "SUPPORTED" | "TESTING" | "NOT_SUPPORTED";
  apiDisabled?: boolean;
};
export type FakeCondition = { title: string; description?: string; expression: string };
export type FakeBinding = { role: string; members: string[]; condition?: FakeCondition };

export type FakeProject = {
  roles: Map<string, FakeRole>;
  bindings: FakeBinding[];
  version: number;
  etagSeq: number;
  /** Every policy version with the time it was written, for propagation-delayed access checks. */
  history: { at: number; bindings: FakeBinding[] }[];
};

const EXPIRY = /^request\.time < timestamp\('([0-9T:.-]+Z)'\)$/;

/** What the fake Google Cloud holds: projects with custom roles and a version-3 allow policy. */
export class FakeGcpState {
  readonly projects = new Map<string, FakeProject>();
  propagationDelayMs = 0;
  /** The catalog Google serves to everyone: tests load it (e.g. from the shared iam-dataset). */
  predefinedRoles: FakePredefinedRole[] = [];
  testablePermissions: FakeTestablePermission[] = [];
  /** Largest catalog page the fake answers (Google: 1,000); small values exercise paging. */
  catalogPageSize = 1000;

  project(id: string): FakeProject {
    let p = this.projects.get(id);
    if (!p) {
      p = { roles: new Map(), bindings: [], version: 1, etagSeq: 1, history: [] };
      this.projects.set(id, p);
    }
    return p;
  }

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
   * Would Google allow `member` to use `permission` in the project at `at`? The policy in force is the one
   * written at least `propagationDelayMs` earlier, and each expiry condition is evaluated at `at`.
   */
  canAccess(projectId: string, member: string, permission: string, at = Date.now()): boolean {
    const p = this.projects.get(projectId);
    if (!p) return false;
    const inForce = p.history.filter((h) => h.at <= at - this.propagationDelayMs).at(-1)?.bindings ?? [];
    return inForce.some((b) => {
      if (!b.members.includes(member)) return false;
      if (b.condition) {
        const m = EXPIRY.exec(b.condition.expression);
        if (!m || !(at < Date.parse(m[1]))) return false;
      }
      const roleId = b.role.split("/roles/")[1];
      const role = roleId ? p.roles.get(roleId) : undefined;
      return Boolean(role && !role.deleted && role.includedPermissions.includes(permission));
    });
  }
}
