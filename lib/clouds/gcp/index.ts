export { GCP_MAX_ROLE_PERMISSIONS, gcpAdapter } from "./adapter";
export type { GcpAdapterConfig } from "./config";
