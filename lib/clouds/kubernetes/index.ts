import type { KubernetesSettings } from "@/lib/targets/settings";
import { type CloudAdapter, CloudError } from "../port";

export type KubernetesAdapterConfig = { settings: KubernetesSettings; token: string };

/** Replaced by the @kubernetes/client-node adapter in the next commit; until then every call fails permanently. */
export function kubernetesAdapter(_config: KubernetesAdapterConfig): CloudAdapter {
  const fail = async (): Promise<never> => {
    throw new CloudError("permanent", "kubernetes: adapter not built yet");
  };
  return {
    kind: "kubernetes",
    ensureRole: fail,
    bind: fail,
    unbind: fail,
    inspect: fail,
    listManaged: fail,
    deleteRole: fail,
  };
}
