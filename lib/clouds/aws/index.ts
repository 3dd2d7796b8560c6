export { awsAdapter } from "./adapter";
export type { AwsAdapterConfig, AwsPartition } from "./config";
export { classifyAwsError } from "./errors";
export { AWS_LIMITS } from "./limits";
