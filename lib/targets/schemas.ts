import { z } from "zod";
import { ADAPTER_KINDS, type AdapterKind, CLOUDS, type Cloud } from "@/db/schema/enums";
import { parseInput, Validation } from "@/lib/errors";
import { rejectInlineSecrets } from "./inline-secrets";
import { SETTINGS_SCHEMAS, type TargetSettings } from "./settings";

export { CLOUDS };
export const ADAPTERS = ADAPTER_KINDS;

/** What each cloud calls the scope a target stands for, and the documented shape of its id. */
export const EXTERNAL_ID: Record<Cloud, { pattern: RegExp; message: string }> = {
  aws: { pattern: /^\d{12}$/, message: "must be a 12-digit AWS account id" },
  gcp: {
    pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    message: "must be a GCP project id (6-30 lower-case letters, digits or hyphens, starting with a letter)",
  },
  azure: {
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    message: "must be an Azure subscription id (a GUID)",
  },
  // Clusters have no global id: Elevate's own name for the cluster, a DNS label (shown in kubeconfigs).
  kubernetes: {
    pattern: /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
    message: "must be a cluster name (1-63 lower-case letters, digits or hyphens)",
  },
  // The org's host name, as its admins know it (the org URL without https://).
  okta: {
    pattern: /^[a-z0-9][a-z0-9-]{0,62}\.(okta|oktapreview|okta-emea|okta-gov)\.com$/,
    message: "must be an Okta org's host name, e.g. acme.okta.com",
  },
};

const Name = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100)
  .regex(/^[\w][\w .:@()-]*$/, "may hold letters, digits, spaces and . : @ ( ) - _");

/** Required, as the document says: a target with no settings at all is `settings: {}`, said so. */
const SettingsBag = z.record(z.string(), z.unknown());

export const ConnectTargetInput = z.object({
  name: Name,
  cloud: z.enum(CLOUDS),
  adapter: z.enum(ADAPTERS),
  externalId: z.string().trim().toLowerCase(),
  settings: SettingsBag,
});
export type ConnectTargetInput = z.input<typeof ConnectTargetInput>;

/** A tag, environment or group name as policy rules match them (the policy schema's name rule). */
const PolicyName = z
  .string()
  .trim()
  .min(1, "is required")
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, "may hold letters, digits and . _ : @ - (starting alphanumeric)");

export const UpdateTargetInput = z.object({
  targetId: z.string(),
  name: Name.optional(),
  /** Replaces the settings as a whole (validated like on connect). */
  settings: z.record(z.string(), z.unknown()).optional(),
  /** What approval-policy rules match on (docs/approvals.md); each replaces the stored value. */
  tags: z.array(PolicyName).max(50, "at most 50 tags").optional(),
  environment: PolicyName.nullable().optional(),
  ownerGroup: PolicyName.nullable().optional(),
  oncallServiceId: z
    .string()
    .trim()
    .regex(/^[A-Z0-9]{1,32}$/, "must be a PagerDuty service id (letters and digits)")
    .nullable()
    .optional(),
});
export type UpdateTargetInput = z.input<typeof UpdateTargetInput>;

export const TargetIdInput = z.object({ targetId: z.string() });

export const ListDriftInput = z.object({
  targetId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListDriftInput = z.input<typeof ListDriftInput>;

/** Secrets first (refused by name), then the shape the adapter needs, named field by field. */
export function parseSettings(adapter: AdapterKind, settings: unknown): TargetSettings {
  rejectInlineSecrets(settings);
  const schema = z.object({ settings: SETTINGS_SCHEMAS[adapter] });
  return parseInput<{ settings: TargetSettings }>(schema, { settings }).settings;
}

export function parseConnect(input: unknown) {
  rejectInlineSecrets((input as { settings?: unknown } | null)?.settings);
  const base = parseInput(ConnectTargetInput, input);
  if (base.adapter !== "sandbox" && base.adapter !== base.cloud) {
    throw Validation("adapter", `must be "sandbox" or "${base.cloud}" for a ${base.cloud} target`);
  }
  const rule = EXTERNAL_ID[base.cloud];
  if (!rule.pattern.test(base.externalId)) throw Validation("externalId", rule.message);
  return { ...base, settings: parseSettings(base.adapter, base.settings) };
}

/** A PATCH must change something: the name, the settings or a policy field. */
const changesSomething = <S extends z.ZodType<Record<string, unknown>>>(schema: S) =>
  schema.refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: "send name, settings, tags, environment, ownerGroup or oncallServiceId",
    path: ["body"],
  });

/** Public API shapes (ids come from the path). */
const UpdateTargetFields = UpdateTargetInput.omit({ targetId: true });
export const UpdateTargetBody = changesSomething(UpdateTargetFields);
export const DriftQuery = ListDriftInput.omit({ targetId: true });

/** For the OpenAPI document: the settings each adapter accepts, spelled out (the handlers parse leniently first so an inline secret is named). */
const SettingsDoc = z.union([
  SETTINGS_SCHEMAS.aws,
  SETTINGS_SCHEMAS.gcp,
  SETTINGS_SCHEMAS.azure,
  SETTINGS_SCHEMAS.sandbox,
]);
export const ConnectTargetDocBody = ConnectTargetInput.extend({ settings: SettingsDoc });
export const UpdateTargetDocBody = changesSomething(
  UpdateTargetFields.extend({ settings: SettingsDoc.optional() }),
).meta({ minProperties: 1 });
