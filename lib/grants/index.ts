// The grant lifecycle's execution side: system verbs run by workflows and the reconciler.
export { applyExtension } from "./apply-extension";
export { provisionGrant } from "./provision";
export type { GrantOutcome } from "./queries";
export { type ReconcileOptions, type ReconcileResult, reconcileOnce } from "./reconcile";
export { DEFAULT_ROLE_GRACE_MS } from "./reconcile-roles";
export { executeRevocation } from "./revoke";
