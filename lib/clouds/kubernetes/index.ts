export { type KubernetesAdapterConfig, kubernetesAdapter, MIN_TOKEN_SECONDS } from "./adapter";
