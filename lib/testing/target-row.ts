import { randomUUID } from "node:crypto";
import type { AdapterKind } from "@/db/schema";
import type { TargetRow } from "@/lib/clouds/port";

/**
 * A targets row as the database would hold it, without a database: what the adapters' tests drive them
 * with. The cloud is the adapter's kind; no policy fields.
 */
export function targetRow(
  kind: Exclude<AdapterKind, "sandbox">,
  fields: { name: string; externalId: string; settings?: Record<string, unknown> },
): TargetRow {
  return {
    id: randomUUID(),
    orgId: randomUUID(),
    name: fields.name,
    cloud: kind,
    adapter: kind,
    externalId: fields.externalId,
    tags: [],
    environment: null,
    ownerGroup: null,
    oncallServiceId: null,
    settings: fields.settings ?? {},
    createdAt: new Date(),
  };
}
