import { KubeConfig } from "@kubernetes/client-node";
import { assertEgressAllowed } from "@/lib/clouds/egress";
import type { KubernetesSettings } from "@/lib/targets/settings";

/**
 * A KubeConfig for Elevate's own calls: the target's API server, its CA (if any) and the bearer token read
 * from the variable the settings name. Built with the client's own loader, so TLS and auth are the client's.
 */
export function elevateKubeConfig(settings: KubernetesSettings, token: string): KubeConfig {
  assertEgressAllowed("kubernetes", settings.endpoint, { ambientCredentials: false });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: "target",
        server: settings.endpoint,
        skipTLSVerify: false,
        ...(settings.ca ? { caData: Buffer.from(settings.ca).toString("base64") } : {}),
      },
    ],
    users: [{ name: "elevate", token }],
    contexts: [{ name: "elevate", cluster: "target", user: "elevate" }],
    currentContext: "elevate",
  });
  return kc;
}
