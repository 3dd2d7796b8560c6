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
