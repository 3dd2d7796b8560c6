// The grant lifecycle's execution side: system verbs run by workflows and the reconciler.
export { type ApplyExtensionInput, applyExtension } from "./apply-extension";
export { LEASE_MS, MAX_ATTEMPTS } from "./backoff";
export { type ProvisionInput, provisionGrant } from "./provision";
export type { GrantOutcome } from "./queries";
export { type ReconcileOptions, type ReconcileResult, reconcileOnce } from "./reconcile";
export { DEFAULT_ROLE_GRACE_MS } from "./reconcile-roles";
export { type ExecuteRevocationInput, executeRevocation } from "./revoke";
