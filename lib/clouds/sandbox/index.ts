export { SANDBOX_ROLE_QUOTA, sandboxAdapter } from "./adapter";
export { bindingDocument, permissionMatches, permissionsOf } from "./documents";
export { clearSandboxFaults, injectSandboxFault, type SandboxFault, type SandboxOp } from "./faults";
export { isAllowed, propagationDelayMs } from "./is-allowed";
