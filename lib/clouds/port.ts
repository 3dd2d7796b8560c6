import type { AdapterKind, RoleSpec, targets } from "@/db/schema";

export type TargetRow = typeof targets.$inferSelect;

/** Every cloud call returns the cloud's request ids: they are the evidence kept on the grant. */
export type Evidence = { requestIds: string[] };

export type BindingSpec = {
  grantId: string;
  orgId: string;
  roleName: string;
  /** The person's identity in the cloud (email / principal), matched by a strict pattern upstream. */
  principal: string;
  /** Cloud-enforced expiry: the binding's condition denies use at or after this instant. */
  notAfter: Date;
  /**
   * From the role spec's `binding` (lib/catalog/role-builder.ts): GCP's resource constraint (CEL, joined
   * to the expiry with `&&`) and Azure's assignment scope (a full ARM scope; absent = the subscription).
   */
  condition?: string;
  scope?: string;
};

export type InspectResult = Evidence & {
  present: boolean;
  notAfter: string | null;
  raw: Record<string, unknown> | null;
};

export type ManagedArtifacts = Evidence & {
  bindings: { bindingId: string; grantId: string; roleName: string }[];
  roles: string[];
};

/** One answer of a cloud's own access check: may the grant's principal use `permission` on `resource` now. */
export type CloudAccessCheck = {
  permission: string;
  /** What the cloud evaluated: a concrete ARN (or other resource id); "*" means any resource. */
  resource: string;
  allowed: boolean;
  /**
   * The cloud's own word for the answer (AWS: `allowed`, `explicitDeny` or `implicitDeny`; GCP:
   * `overallAccessState`, e.g. `CAN_ACCESS`; Azure: the evaluator's reason over Azure's assignments).
   */
  decision: string;
};

/** The cloud's own answer, after bind, to "what may this grant's principal do", kept as grant evidence. */
export type CloudAccessEvidence = Evidence & {
  /** The API that answered, e.g. `aws:SimulatePrincipalPolicy`, `gcp:policytroubleshooter.iam.troubleshoot`. */
  checker: string;
  /** The identity the cloud evaluated (AWS: the grant's role ARN; GCP: `user:<e-mail>`; Azure: object id). */
  principal: string;
  evaluatedAt: string;
  /** Permissions in the role; only the first few are checked (the rest are in the role document). */
  permissions: number;
  checks: CloudAccessCheck[];
};

/** Formats a cloud's own catalog answer is handed back in: the same ones the catalog importers read. */
export type CatalogExportFormat =
  | "gcloud-roles-list"
  | "gcp-testable-permissions"
  | "az-role-definition-list"
  | "az-provider-operation-list"
  | "kubernetes-api-resources";

/** One catalog export, as JSON text, exactly as an admin could have exported and imported it by hand. */
export type CatalogExport = { format: CatalogExportFormat; content: string };

/** One interface, four implementations (sandbox, aws, gcp, azure). Every call is idempotent. */
export interface CloudAdapter {
  readonly kind: AdapterKind;
  /** Create the content-addressed role if missing ("already exists" is success). */
  ensureRole(target: TargetRow, spec: RoleSpec): Promise<Evidence & { roleName: string }>;
  /** Create the per-grant binding, tagged with the grant id, with the expiry condition. */
  bind(target: TargetRow, binding: BindingSpec): Promise<Evidence & { bindingId: string }>;
  /** Remove the per-grant binding ("not found" is success). */
  unbind(target: TargetRow, bindingId: string): Promise<Evidence>;
  /** Read back a binding, to record what the cloud holds as evidence. */
  inspect(target: TargetRow, bindingId: string): Promise<InspectResult>;
  /** Everything tagged as Elevate's in the target, for drift detection. */
  listManaged(target: TargetRow): Promise<ManagedArtifacts>;
  /** Delete an unused role ("not found" is success). */
  deleteRole(target: TargetRow, roleName: string): Promise<Evidence>;
  /**
   * Optional: read the cloud's permission catalog (GCP predefined roles and testable permissions; Azure
   * built-in roles and provider operations), every page. AWS's catalog comes from iam-data instead.
   */
  syncCatalog?(target: TargetRow): Promise<Evidence & { exports: CatalogExport[] }>;
  /**
   * Optional: after bind, ask the cloud itself what the grant's principal may do with the role's
   * permissions on the role's resources (evidence beside Elevate's own evaluation). Read-only; callers
   * bound its time and never fail a grant on it. Always about the principal, never the caller: AWS
   * SimulatePrincipalPolicy on the grant's role, GCP Policy Troubleshooter for the principal, Azure the
   * principal's assignments at the scope and their definitions (docs/decisions.md, "Just enough, for real").
   */
  checkAccess?(
    target: TargetRow,
    binding: BindingSpec & { bindingId: string },
    spec: RoleSpec,
  ): Promise<CloudAccessEvidence>;
  /**
   * Optional: deny a principal these permissions on the target whatever binds them, until removeDeny
   * (GCP IAM v2 deny policies). Freezing a person uses it while their bindings are being removed.
   * "Already exists" is success.
   */
  denyPrincipal?(
    target: TargetRow,
    deny: { policyId: string; principal: string; permissions: string[] },
  ): Promise<Evidence & { policyName: string }>;
  /** Optional: remove what denyPrincipal created ("not found" is success). */
  removeDeny?(target: TargetRow, policyName: string): Promise<Evidence>;
  /**
   * Optional (Kubernetes, ServiceAccount mode): a kubeconfig for the grant's own ServiceAccount whose token
   * the cluster issues (TokenRequest) to expire with the grant. The result holds a secret: hand it to the
   * person, never log or store it.
   */
  issueKubeconfig?(
    target: TargetRow,
    grant: { grantId: string; notAfter: Date; namespace?: string },
  ): Promise<Evidence & { kubeconfig: string; expiresAt: string }>;
}

export type CloudErrorKind = "retryable" | "throttled" | "not_found" | "permanent";

/** Classified cloud failure: callers retry `retryable`/`throttled`, treat `not_found` on removal as done. */
export class CloudError extends Error {
  constructor(
    readonly kind: CloudErrorKind,
    message: string,
    readonly retryAfterMs?: number,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = "CloudError";
  }
}

/** The binding id names the grant, so overlapping grants never share (or cut off) a binding. */
export function bindingIdFor(grantId: string): string {
  return `elevate-${grantId}`;
}
