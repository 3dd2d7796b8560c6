// The grant domain's public face: the verbs people call on a grant, and the system verbs run by workflows
// and the reconciler.

export { applyExtension } from "./apply-extension";
export { executeRevocation } from "./execute-revocation";
export { extendGrant } from "./extend-grant";
export { getGrant } from "./get-grant";
export { type GrantAccessDto, getGrantAccess } from "./get-grant-access";
export { GRANT_STATUSES } from "./grant-state";
export { issueGrantKubeconfig, type KubeconfigDto } from "./issue-kubeconfig";
export { listGrants } from "./list-grants";
export { provisionGrant } from "./provision";
export type { GrantOutcome } from "./queries";
export { type ReconcileOptions, type ReconcileResult, reconcileOnce } from "./reconcile";
export { DEFAULT_ROLE_GRACE_MS } from "./reconcile-roles";
export { revokeGrant } from "./revoke-grant";
