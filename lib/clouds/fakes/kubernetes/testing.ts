import { randomUUID } from "node:crypto";
import type { TargetRow } from "@/lib/clouds/port";

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
  return {
    id: randomUUID(),
    orgId: randomUUID(),
    name: "kubernetes fake",
    cloud: "kubernetes",
    adapter: "kubernetes",
    externalId: "fake-cluster",
    tags: [],
    environment: null,
    ownerGroup: null,
    oncallServiceId: null,
    settings: kubernetesSettings(fake, settings),
    createdAt: new Date(),
  };
}
