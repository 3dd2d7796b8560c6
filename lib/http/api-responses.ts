import { z } from "zod";
import {
  ADAPTER_KINDS,
  CLOUDS,
  DECISION_CHANNELS,
  FREEZE_STATUSES,
  POLICY_STATUSES,
  RISKS,
  VERDICTS,
} from "@/db/schema/enums";
import type { AuditPublicKeyDto } from "@/lib/audit/public-key";
import type { CatalogVersionDto } from "@/lib/catalog/import-catalog";
import type { TargetDto, TemplateDto } from "@/lib/catalog/list";
import { RESOURCE_KINDS, type ResourceKind } from "@/lib/catalog/resources";
import type { SearchResultDto } from "@/lib/catalog/search-catalog";
import type { CatalogSyncDto } from "@/lib/catalog/sync";
import { LATER_CLOUDS, type LaterCloud } from "@/lib/clouds/kinds";
import type { AccessReport as AccessReportDto } from "@/lib/compliance/report-types";
import { EvidencePackSchema } from "@/lib/evidence/schema";
import type { FreezeDto } from "@/lib/freeze/freeze";
import type { GrantAccessDto } from "@/lib/grants/get-grant-access";
import { GRANT_STATUSES } from "@/lib/grants/grant-state";
import type { KubeconfigDto } from "@/lib/grants/issue-kubeconfig";
import type { PolicyDetailDto, PolicyVersionDto } from "@/lib/policies/dto";
import { Decision, PolicyDocumentSchema } from "@/lib/policies/schema";
import type { SimulationDto } from "@/lib/policies/simulate";
import type { GrantDto, RequestDto } from "@/lib/requests/dto";
import { REQUEST_STATUSES } from "@/lib/requests/request-state";
import type { ConnectionCheckDto, TargetDetailDto } from "@/lib/targets/dto";
import type { DriftEventDto } from "@/lib/targets/list-drift";
import type { SavedTemplateDto } from "@/lib/templates/create";
import type { TemplateHistoryDto } from "@/lib/templates/history";
import type { TemplatePreviewDto } from "@/lib/templates/preview";
import type { TemplateVersionDto } from "@/lib/templates/queries";
import type { GrantUsageDto } from "@/lib/usage/grant-usage";

/**
 * The public API's response shapes. Each one is checked below to be exactly the DTO type its verb
 * returns; route handlers declare it (`withApi({ response })`, which types the handler's result by it
 * and checks the value outside production) and the OpenAPI document is generated from it.
 * Registered schemas become `#/components/schemas/<id>`.
 */
export const apiResponses = z.registry<{ id: string }>();
const named = <S extends z.ZodType>(id: string, schema: S): S => {
  apiResponses.add(schema, { id });
  return schema;
};

const Cloud = z.enum(CLOUDS);
const Risk = z.enum(RISKS);
const Iso = z.string().describe("ISO 8601 timestamp");
const Strings = z.array(z.string());
/** One field per cloud kind, from CLOUDS. */
const perCloud = <S extends z.ZodType>(s: S) =>
  z.object(Object.fromEntries(CLOUDS.map((c) => [c, s])) as Record<(typeof CLOUDS)[number], S>);
// Clouds added after the first three may be absent from older templates (db/schema/cloud-permissions.ts).
const CloudPermissions = z.object({
  aws: Strings,
  gcp: Strings,
  azure: Strings,
  ...(Object.fromEntries(LATER_CLOUDS.map((c) => [c, Strings.optional()])) as Record<
    LaterCloud,
    z.ZodOptional<typeof Strings>
  >),
});

const UserRef = named(
  "UserRef",
  z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
);

const Evidence = z.object({
  requestIds: Strings,
  inspected: z.unknown(),
  at: z.string(),
});
const GrantEvidence = z.object({
  provision: Evidence.extend({
    bindingId: z.string(),
    effective: z.unknown().optional(),
    cloudCheck: z.unknown().optional(),
  }).optional(),
  removal: Evidence.optional(),
  extensions: z.array(Evidence.extend({ from: z.string().nullable(), to: z.string() })).optional(),
});

export const Grant = named(
  "Grant",
  z.object({
    id: z.string(),
    requestId: z.string(),
    status: z.enum(GRANT_STATUSES),
    user: UserRef,
    target: z.object({ id: z.string(), name: z.string(), cloud: Cloud }),
    roleName: z.string(),
    roleDocument: z.record(z.string(), z.unknown()),
    permissions: Strings,
    resource: z.string().nullable(),
    durationMinutes: z.number(),
    expiresAt: Iso.nullable(),
    activatedAt: Iso.nullable(),
    revokedAt: Iso.nullable(),
    revokeReason: z.string().nullable(),
    lastError: z.string().nullable(),
    evidence: GrantEvidence,
  }),
);

export const GrantUsage = named(
  "GrantUsage",
  z.object({
    grantId: z.string(),
    cloud: Cloud,
    grantedCount: z.number().describe("permissions in the grant's role"),
    usedCount: z.number().describe("granted permissions allowed at least once"),
    allowedCalls: z.number(),
    deniedCalls: z.number(),
    firstUse: Iso.nullable(),
    lastUse: Iso.nullable(),
    permissions: z.array(
      z.object({
        permission: z.string(),
        granted: z.boolean(),
        allowed: z.number(),
        denied: z.number(),
        firstSeen: Iso.nullable(),
        lastSeen: Iso.nullable(),
      }),
    ),
  }),
);

const Approval = z.object({
  approverId: z.string(),
  approverName: z.string(),
  verdict: z.enum(VERDICTS),
  comment: z.string().nullable(),
  channel: z.enum(DECISION_CHANNELS),
  createdAt: Iso,
});

export const AccessRequest = named(
  "AccessRequest",
  z.object({
    id: z.string(),
    status: z.enum(REQUEST_STATUSES),
    requester: UserRef,
    target: z.object({ id: z.string(), name: z.string(), cloud: Cloud, externalId: z.string() }),
    template: z
      .object({ id: z.string(), key: z.string(), name: z.string(), risk: Risk, version: z.number() })
      .nullable(),
    permissions: Strings.nullable(),
    risk: Risk,
    resource: z.string().nullable(),
    durationMinutes: z.number(),
    justification: z.string(),
    ticketUrl: z.string().nullable(),
    approvalsRequired: z.number(),
    approverGroup: z.string(),
    targetIds: Strings,
    policy: z
      .object({
        version: z.number(),
        ruleIds: Strings,
        approverGroups: Strings,
        automatic: z.object({ ruleIds: Strings, conditions: Strings }).nullable(),
        stepUp: z.boolean(),
      })
      .nullable(),
    breakGlass: z
      .object({ reviewDueAt: Iso.nullable(), reviewedAt: Iso.nullable(), escalatedAt: Iso.nullable() })
      .nullable(),
    extendsGrantId: z
      .string()
      .nullable()
      .describe("Set on an extension past the policy's automatic limit: approving it extends this grant."),
    approvals: z.array(Approval),
    grants: z.array(Grant),
    createdAt: Iso,
    decidedAt: Iso.nullable(),
  }),
);

const page = <S extends z.ZodType>(item: S) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const RequestPage = named("RequestPage", page(AccessRequest));
export const GrantPage = named("GrantPage", page(Grant));

const TargetSummary = named(
  "TargetSummary",
  z.object({ id: z.string(), name: z.string(), cloud: Cloud, externalId: z.string(), adapter: z.string() }),
);
export const TargetList = named("TargetList", z.object({ items: z.array(TargetSummary) }));

export const Target = named(
  "Target",
  z.object({
    id: z.string(),
    name: z.string(),
    cloud: Cloud,
    adapter: z.enum(ADAPTER_KINDS),
    externalId: z.string(),
    createdAt: Iso,
    settings: z.object({
      endpoint: z.string().optional(),
      region: z.string().optional(),
      pim: z.boolean().optional(),
      propagationDelayMs: z.number().optional(),
      roleQuota: z.number().optional(),
      caConfigured: z.boolean(),
      credentials: z
        .object({
          type: z.string(),
          accessKeyIdVar: z.string().optional(),
          secretAccessKeyVar: z.string().optional(),
          sessionTokenVar: z.string().optional(),
          var: z.string().optional(),
        })
        .nullable(),
    }),
    policy: z.object({
      tags: z.array(z.string()),
      environment: z.string().nullable(),
      ownerGroup: z.string().nullable(),
      oncallServiceId: z.string().nullable(),
    }),
  }),
);

export const ConnectionCheck = named(
  "ConnectionCheck",
  z.object({ ok: z.boolean(), checkedAt: Iso, message: z.string(), requestIds: Strings }),
);

const CatalogVersion = z.object({
  id: z.string(),
  cloud: z.string(),
  format: z.string(),
  version: z.number(),
  permissionCount: z.number(),
  roleCount: z.number(),
  added: z.number(),
  removed: z.number(),
  changes: z.object({ added: Strings, removed: Strings }),
  createdAt: Iso,
});
export const CatalogSync = named(
  "CatalogSync",
  z.object({
    targetId: z.string(),
    cloud: Cloud,
    versions: z.array(CatalogVersion),
    added: z.number(),
    removed: z.number(),
    requestIds: Strings,
  }),
);

const DriftEvent = z.object({
  at: Iso,
  outcome: z.enum(["removed", "failed"]),
  targetId: z.string().nullable(),
  targetName: z.string().nullable(),
  bindingId: z.string(),
  grantId: z.string().nullable(),
  roleName: z.string().nullable(),
  error: z.string().nullable(),
  requestIds: Strings,
  resolved: z.boolean(),
});
export const DriftList = named("DriftList", z.object({ items: z.array(DriftEvent) }));

const Nullable = { str: z.string().nullable(), num: z.number().nullable() };
const AccessRow = z.object({
  grantId: z.string(),
  requestId: z.string(),
  person: z.string(),
  target: z.string(),
  template: z.string(),
  status: z.string(),
  requestedAt: Iso,
  activatedAt: Iso.nullable(),
  expiresAt: Iso.nullable(),
  revokedAt: Iso.nullable(),
  justification: z.string(),
  approvals: z.array(
    z.object({
      approver: z.string(),
      verdict: z.string(),
      channel: z.string(),
      at: Iso,
      comment: Nullable.str,
    }),
  ),
  removal: z
    .object({ at: z.string(), cloudRequestIds: Strings, absentOnReadBack: z.boolean().nullable() })
    .nullable(),
});
export const AccessReport = named(
  "AccessReport",
  z.object({
    from: Iso,
    to: Iso,
    by: z.enum(["person", "target", "template"]),
    generatedAt: Iso,
    controls: z.record(z.string(), Strings),
    access: z.array(z.object({ key: z.string(), grants: z.number(), rows: z.array(AccessRow) })),
    lateness: z.object({
      count: z.number(),
      p50: Nullable.num,
      p95: Nullable.num,
      max: Nullable.num,
      buckets: z.array(z.object({ label: z.string(), count: z.number() })),
    }),
    failures: z.array(
      z.object({
        grantId: z.string(),
        person: z.string(),
        target: z.string(),
        status: z.string(),
        events: Strings,
        lastError: Nullable.str,
        resolution: z.string(),
      }),
    ),
    selfApprovals: z.array(
      z.object({ at: Iso, person: z.string(), requestId: z.string(), channel: z.string() }),
    ),
    breakGlass: z.object({
      count: z.number(),
      events: z.array(z.object({ at: Iso, actor: z.string(), subjectId: z.string() })),
    }),
    standingAccess: z.object({
      checkedAt: Iso,
      targets: z.number(),
      bindings: z.number(),
      roles: z.number(),
      accounted: z.boolean(),
      unaccounted: z.array(
        z.object({
          target: z.string(),
          kind: z.enum(["binding", "role"]),
          name: z.string(),
          grantId: Nullable.str,
        }),
      ),
      errors: z.array(z.object({ target: z.string(), error: z.string() })),
    }),
  }),
);

const TemplateFields = {
  id: z.string(),
  key: z.string(),
  version: z.number(),
  name: z.string(),
  description: z.string(),
  risk: Risk,
  placeholders: Strings,
  permissions: CloudPermissions,
};
const TemplateSummary = named("TemplateSummary", z.object(TemplateFields));
export const TemplateList = named("TemplateList", z.object({ items: z.array(TemplateSummary) }));
export const TemplateVersion = named("TemplateVersion", z.object({ ...TemplateFields, createdAt: Iso }));

const Change = z.object({ added: Strings, removed: Strings });
const TemplateDiff = z.object({
  fields: z.array(
    z.object({
      field: z.enum(["name", "description", "risk", "placeholders"]),
      from: z.unknown(),
      to: z.unknown(),
    }),
  ),
  permissions: perCloud(Change),
});
const Expanded = z.array(z.object({ pattern: z.string(), matches: Strings }));
const PerCloudExpanded = perCloud(Expanded);

export const SavedTemplate = named(
  "SavedTemplate",
  TemplateVersion.extend({ diff: TemplateDiff, expanded: PerCloudExpanded }),
);
export const UpdatedTemplate = named("UpdatedTemplate", SavedTemplate.extend({ changed: z.boolean() }));
export const TemplateHistory = named(
  "TemplateHistory",
  z.object({ key: z.string(), versions: z.array(TemplateVersion.extend({ diff: TemplateDiff })) }),
);

export const TemplatePreview = named(
  "TemplatePreview",
  z.object({
    cloud: Cloud,
    permissions: Strings,
    resource: z.string().nullable(),
    hash: z.string(),
    roleName: z.string(),
    document: z.record(z.string(), z.unknown()),
    parts: z.array(z.record(z.string(), z.unknown())).optional(),
    binding: z.object({
      resourceCondition: z.string().optional(),
      scope: z.string().optional(),
      condition: z.object({ title: z.string(), expression: z.string() }).optional(),
    }),
    expanded: Expanded,
    riskLevel: Risk.nullable(),
    notes: Strings,
    resourceKind: z.enum(RESOURCE_KINDS as [ResourceKind, ...ResourceKind[]]).nullable(),
    wide: z.array(z.object({ permissions: Strings, why: z.string() })),
    accountId: z.string(),
    expiresAt: Iso,
    declaredRisk: Risk.nullable(),
    template: z.object({ key: z.string(), version: z.number() }).nullable(),
  }),
);

const SearchResult = z.object({
  kind: z.enum(["permission", "template"]),
  cloud: Cloud.nullable(),
  service: z.string(),
  name: z.string(),
  title: z.string(),
  description: z.string(),
  accessLevel: z.enum(["list", "read", "write", "tagging", "permissions"]).nullable(),
  risk: z.array(
    z.enum([
      "privesc:iam-write",
      "privesc:pass-role",
      "privesc:credentials",
      "privesc:run-as",
      "permissions-management",
      "write",
      "data-access",
    ]),
  ),
  riskLevel: Risk,
  score: z.number(),
  template: z
    .object({ key: z.string(), version: z.number(), permissions: CloudPermissions, placeholders: Strings })
    .optional(),
});
export const CatalogSearch = named("CatalogSearch", z.object({ results: z.array(SearchResult) }));

/** A grant's signed evidence pack (lib/evidence): the body's exact bytes are what the signature covers. */
export const EvidencePack = named("EvidencePack", EvidencePackSchema);

export const AuditPublicKey = named(
  "AuditPublicKey",
  z.object({
    alg: z.literal("Ed25519"),
    keyId: z.string().describe("first 16 hex digits of the SHA-256 of the key's SubjectPublicKeyInfo DER"),
    pem: z.string().describe("the public key, SPKI PEM"),
  }),
);

/** How to use a grant (`elevate assume`). */
/** A kubeconfig for one's own Kubernetes grant (lib/grants/issue-kubeconfig.ts): holds a token, never cached. */
export const Kubeconfig = named(
  "Kubeconfig",
  z.object({ filename: z.string(), content: z.string(), expiresAt: Iso }),
);

export const GrantAccess = named(
  "GrantAccess",
  z.object({
    grantId: z.string(),
    status: z.string(),
    cloud: Cloud,
    expiresAt: Iso.nullable(),
    consoleUrl: z.string().nullable(),
    cli: Strings,
    profile: z.string().nullable(),
    notes: Strings,
    sandbox: z.boolean(),
    env: z.record(z.string(), z.string()),
  }),
);

const FreezeDeny = z.object({ targetId: z.string(), policyName: z.string(), removedAt: Iso.nullable() });
/** A person's freeze: what was revoked, denied and cancelled, and what could not be. */
export const Freeze = named(
  "Freeze",
  z.object({
    id: z.string(),
    userId: z.string(),
    status: z.enum(FREEZE_STATUSES),
    reason: z.string(),
    frozenBy: z.string(),
    grantIds: Strings,
    revoked: z.array(z.object({ grantId: z.string(), status: z.enum(GRANT_STATUSES) })),
    denies: z.array(FreezeDeny),
    cancelledRequestIds: Strings,
    problems: Strings,
    createdAt: Iso,
    liftedAt: Iso.nullable(),
  }),
);
export const Unfreeze = named("Unfreeze", z.object({ lifted: z.number() }));

/** This document itself: described loosely (it is OpenAPI 3.1). */
export const OpenApiDocument = named(
  "OpenApiDocument",
  z.looseObject({
    openapi: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  }),
);

// Each schema is exactly the type its verb returns: a field added to a DTO and not here fails typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(ok: Same<A, B>) => ok;
same<z.output<typeof Grant>, GrantDto>(true);
same<z.output<typeof GrantAccess>, GrantAccessDto>(true);
same<z.output<typeof Kubeconfig>, KubeconfigDto>(true);
same<z.output<typeof Freeze>, FreezeDto>(true);
same<z.output<typeof GrantUsage>, GrantUsageDto>(true);
same<z.output<typeof AuditPublicKey>, AuditPublicKeyDto>(true);
same<z.output<typeof AccessRequest>, RequestDto>(true);
same<z.output<typeof RequestPage>, { items: RequestDto[]; nextCursor: string | null }>(true);
same<z.output<typeof GrantPage>, { items: GrantDto[]; nextCursor: string | null }>(true);
same<z.output<typeof TargetSummary>, TargetDto>(true);
same<z.output<typeof Target>, TargetDetailDto>(true);
same<z.output<typeof ConnectionCheck>, ConnectionCheckDto>(true);
same<z.output<typeof CatalogVersion>, CatalogVersionDto>(true);
same<z.output<typeof CatalogSync>, CatalogSyncDto>(true);
same<z.output<typeof DriftEvent>, DriftEventDto>(true);
same<z.output<typeof AccessReport>, AccessReportDto>(true);
same<z.output<typeof TemplateSummary>, TemplateDto>(true);
same<z.output<typeof TemplateVersion>, TemplateVersionDto>(true);
same<z.output<typeof SavedTemplate>, SavedTemplateDto>(true);
same<z.output<typeof UpdatedTemplate>, SavedTemplateDto & { changed: boolean }>(true);
same<z.output<typeof TemplateHistory>, TemplateHistoryDto>(true);
same<z.output<typeof TemplatePreview>, TemplatePreviewDto>(true);
same<z.output<typeof SearchResult>, SearchResultDto>(true);

// ---------------------------------------------------------------------------------------------------
// Policies (lib/policies): versions, four-eyes changes, simulation.

const PolicyVersionFields = {
  id: z.string(),
  version: z.number().nullable(),
  status: z.enum(POLICY_STATUSES),
  baseVersion: z.number().nullable(),
  comment: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdByEmail: z.string().nullable(),
  createdAt: Iso,
  decidedBy: z.string().nullable(),
  decidedByEmail: z.string().nullable(),
  decidedAt: Iso.nullable(),
  ruleCount: z.number(),
};
export const PolicyVersion = named("PolicyVersion", z.object(PolicyVersionFields));
export const PolicyList = named("PolicyList", z.object({ items: z.array(PolicyVersion) }));
const PolicyDocumentOut = named("PolicyDocument", PolicyDocumentSchema);
const PolicyDecisionOut = named("PolicyDecision", Decision);
export const PolicyDetail = named(
  "PolicyDetail",
  z.object({
    ...PolicyVersionFields,
    document: PolicyDocumentOut,
    yaml: z.string().describe("The document as YAML (the JSON form is `document`)"),
    diff: z.array(z.object({ op: z.enum([" ", "+", "-"]), text: z.string() })),
  }),
);
export const PolicySimulation = named(
  "PolicySimulation",
  z.object({
    policy: z.object({ source: z.enum(["draft", "active"]), version: z.number().nullable() }),
    requester: z.object({ email: z.string().nullable(), groups: Strings }),
    allowed: z.boolean(),
    denyReasons: Strings,
    ruleIds: Strings,
    decision: PolicyDecisionOut,
    approvers: z.array(z.object({ group: z.string(), members: z.array(UserRef) })),
    automatic: z.object({ ruleIds: Strings, conditions: Strings }).nullable(),
    breakGlassAllowed: z.boolean(),
    requesterGroups: z.array(
      z.object({ group: z.string(), allowed: z.boolean(), automaticPossible: z.boolean() }),
    ),
  }),
);
same<z.output<typeof PolicyVersion>, PolicyVersionDto>(true);
same<z.output<typeof PolicyList>, { items: PolicyVersionDto[] }>(true);
same<z.output<typeof PolicyDetail>, PolicyDetailDto>(true);
same<z.output<typeof PolicySimulation>, SimulationDto>(true);

/** RFC 8628 §3.2: the device authorization response (the RFC's own field names). */
export const DeviceCode = named(
  "DeviceCode",
  z.object({
    device_code: z.string().describe("the CLI's secret for polling; stored by Elevate only as a hash"),
    user_code: z.string().describe("what the person types at verification_uri, e.g. WDJB-MJHT"),
    verification_uri: z.string(),
    verification_uri_complete: z.string(),
    expires_in: z.number().int(),
    interval: z.number().int().describe("seconds between polls; faster answers slow_down"),
  }),
);

/** RFC 8628 §3.5 / RFC 6749 §5.1: the token, once the person approved. Errors: 400 `{"error": …}`. */
export const DeviceToken = named(
  "DeviceToken",
  z.object({
    access_token: z.string().describe("a personal API token (elv_…), lasting a day"),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
  }),
);
