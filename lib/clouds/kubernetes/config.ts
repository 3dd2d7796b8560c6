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

/**
 * The kubeconfig handed to a person (YAML is a superset of JSON, so JSON is a valid kubeconfig):
 * https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
 */
export function personKubeconfig(input: {
  cluster: string;
  server: string;
  ca?: string;
  user: string;
  token: string;
  namespace?: string;
}): string {
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: input.cluster,
        cluster: {
          server: input.server,
          ...(input.ca ? { "certificate-authority-data": Buffer.from(input.ca).toString("base64") } : {}),
        },
      },
    ],
    users: [{ name: input.user, user: { token: input.token } }],
    contexts: [
      {
        name: `${input.user}@${input.cluster}`,
        context: {
          cluster: input.cluster,
          user: input.user,
          ...(input.namespace ? { namespace: input.namespace } : {}),
        },
      },
    ],
    "current-context": `${input.user}@${input.cluster}`,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
