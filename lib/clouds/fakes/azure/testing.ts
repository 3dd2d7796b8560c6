import { randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import type { TargetRow } from "@/lib/clouds/port";

/** A credential that hands out a fixed token: no call to Entra ID. */
export const fixedTokenCredential = (token = "fake-token"): TokenCredential => ({
  getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
});

/** A targets row as the database would hold it, without a database. */
export function azureTarget(
  subscriptionId: string = randomUUID(),
  settings: Record<string, unknown> = {},
): TargetRow {
  return {
    id: randomUUID(),
    orgId: randomUUID(),
    name: `azure ${subscriptionId}`,
    cloud: "azure",
    adapter: "azure",
    externalId: subscriptionId,
    settings,
    createdAt: new Date(),
  };
}
