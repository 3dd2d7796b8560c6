import type { AdapterKind, Cloud } from "@/db/schema";
import type { TargetRow } from "@/lib/clouds/port";

/** Where the credentials come from: variable names only, never a value. */
export type CredentialRefDto = {
  type: string;
  accessKeyIdVar?: string;
  secretAccessKeyVar?: string;
  sessionTokenVar?: string;
  var?: string;
};

export type TargetSettingsDto = {
  endpoint?: string;
  region?: string;
  pim?: boolean;
  propagationDelayMs?: number;
  /** The custom-role quota set for the target (lib/capacity), when it overrides the cloud's default. */
  roleQuota?: number;
  /** A custom CA is configured (the PEM itself is not repeated). */
  caConfigured: boolean;
  credentials: CredentialRefDto | null;
};

export type ConnectionCheckDto = {
  ok: boolean;
  checkedAt: string;
  message: string;
  requestIds: string[];
};

export type TargetDetailDto = {
  id: string;
  name: string;
  cloud: Cloud;
  adapter: AdapterKind;
  externalId: string;
  createdAt: string;
  settings: TargetSettingsDto;
  /** What approval-policy rules match on (docs/approvals.md). */
  policy: TargetPolicyFieldsDto;
};

export type TargetPolicyFieldsDto = {
  tags: string[];
  environment: string | null;
  /** The group `$owners` stands for in a rule's approver groups. */
  ownerGroup: string | null;
  /** The PagerDuty service whose on-call person a rule may auto-approve. */
  oncallServiceId: string | null;
};

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * Copies only allow-listed, non-secret fields: whatever a stored row holds (including a legacy or
 * hand-edited one), nothing else can reach a response.
 */
export function publicSettings(raw: Record<string, unknown>): TargetSettingsDto {
  const c = raw.credentials;
  let credentials: CredentialRefDto | null = null;
  if (typeof c === "object" && c !== null) {
    const r = c as Record<string, unknown>;
    credentials = {
      type: str(r.type) ?? "unknown",
      ...(str(r.accessKeyIdVar) ? { accessKeyIdVar: str(r.accessKeyIdVar) } : {}),
      ...(str(r.secretAccessKeyVar) ? { secretAccessKeyVar: str(r.secretAccessKeyVar) } : {}),
      ...(str(r.sessionTokenVar) ? { sessionTokenVar: str(r.sessionTokenVar) } : {}),
      ...(str(r.var) ? { var: str(r.var) } : {}),
    };
  }
  return {
    ...(str(raw.endpoint) ? { endpoint: str(raw.endpoint) } : {}),
    ...(str(raw.region) ? { region: str(raw.region) } : {}),
    ...(typeof raw.pim === "boolean" ? { pim: raw.pim } : {}),
    ...(typeof raw.propagationDelayMs === "number" ? { propagationDelayMs: raw.propagationDelayMs } : {}),
    ...(typeof raw.roleQuota === "number" ? { roleQuota: raw.roleQuota } : {}),
    caConfigured: typeof raw.ca === "string" && raw.ca.length > 0,
    credentials,
  };
}

export function toTargetDto(row: TargetRow): TargetDetailDto {
  return {
    id: row.id,
    name: row.name,
    cloud: row.cloud,
    adapter: row.adapter,
    externalId: row.externalId,
    createdAt: row.createdAt.toISOString(),
    settings: publicSettings(row.settings),
    policy: {
      tags: row.tags ?? [],
      environment: row.environment ?? null,
      ownerGroup: row.ownerGroup ?? null,
      oncallServiceId: row.oncallServiceId ?? null,
    },
  };
}
