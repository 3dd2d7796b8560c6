import type { TargetRow } from "@/lib/clouds/port";
import { targetRow } from "@/lib/testing/target-row";

/** The settings a Kubernetes target holds for the fake (the token is passed to the adapter directly). */
export function kubernetesSettings(fake: { url: string; ca: string }, extra: Record<string, unknown> = {}) {
  return {
    endpoint: fake.url,
    ca: fake.ca,
    credentials: { type: "env-token" as const, var: "ELEVATE_CLOUD_K8S_TOKEN" },
    subject: "serviceaccount" as const,
    serviceAccountNamespace: "elevate-grants",
    usernamePrefix: "",
    groupsPrefix: "",
    ...extra,
  };
}

/** A targets row as the database would hold it, without a database. */
export function kubernetesTarget(
  fake: { url: string; ca: string },
  settings: Record<string, unknown> = {},
): TargetRow {
  return targetRow("kubernetes", {
    name: "kubernetes fake",
    externalId: "fake-cluster",
    settings: kubernetesSettings(fake, settings),
  });
}
