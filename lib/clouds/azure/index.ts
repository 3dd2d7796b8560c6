export { azureAdapter } from "./adapter";
export type { AzureAdapterConfig } from "./config";
export { guidFrom } from "./ids";
