import { z } from "zod";
import {
  CHECKPOINT_REASONS,
  CLOUDS,
  DECISION_CHANNELS,
  GRANT_STATUSES,
  RISKS,
  VERDICTS,
} from "@/db/schema/enums";

/**
 * The evidence pack of one grant (GET /api/v1/grants/{id}/evidence, lib/evidence/build-pack.ts): every
 * section names the controls it evidences (lib/compliance/controls.ts). Values the clouds returned
 * (read-backs, effective access) are kept as they were recorded.
 */
const Iso = z.string().describe("ISO 8601 timestamp");
const Controls = z.array(z.string()).describe("the controls this section evidences");
const Person = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() });

export const SignedCheckpointSchema = z.object({
  orgId: z.string(),
  seq: z.number(),
  headHash: z.string(),
  signedAt: Iso,
  keyId: z.string(),
  reason: z.enum(CHECKPOINT_REASONS),
  signature: z.string(),
});

export const EvidencePackSchema = z.object({
  format: z.literal("elevate-evidence/v1"),
  generatedAt: Iso,
  org: z.object({ id: z.string(), slug: z.string() }),
  grant: z.object({ id: z.string(), requestId: z.string(), status: z.enum(GRANT_STATUSES) }),
  sections: z.object({
    requester: z.object({
      controls: Controls,
      person: Person,
      identitySource: z.string().describe("oidc:<issuer> or demo"),
      subject: z.string().describe("the stable identity the IdP gave (iss|sub)"),
    }),
    justification: z.object({
      controls: Controls,
      justification: z.string(),
      ticketUrl: z.string().nullable(),
    }),
    documents: z.object({
      controls: Controls,
      target: z.object({ id: z.string(), name: z.string(), cloud: z.enum(CLOUDS), externalId: z.string() }),
      template: z
        .object({
          id: z.string(),
          key: z.string(),
          name: z.string(),
          version: z.number(),
          risk: z.enum(RISKS),
        })
        .nullable(),
      risk: z.enum(RISKS),
      permissions: z.array(z.string()),
      resource: z.string().nullable(),
      roleName: z.string(),
      document: z.record(z.string(), z.unknown()),
      parts: z.array(z.record(z.string(), z.unknown())).nullable(),
    }),
    window: z.object({
      controls: Controls,
      requestedAt: Iso,
      requestedMinutes: z.number(),
      decidedAt: Iso.nullable(),
      activatedAt: Iso.nullable(),
      expiresAt: Iso.nullable(),
      endedAt: Iso.nullable(),
      actualMinutes: z.number().nullable(),
      extensions: z.array(z.object({ from: z.string().nullable(), to: z.string(), at: z.string() })),
    }),
    approvals: z.object({
      controls: Controls,
      policy: z.object({
        id: z.string(),
        version: z.number(),
        rule: z.string(),
        document: z.record(z.string(), z.unknown()),
      }),
      decisions: z.array(
        z.object({
          approver: Person,
          verdict: z.enum(VERDICTS),
          comment: z.string().nullable(),
          channel: z.enum(DECISION_CHANNELS),
          at: Iso,
        }),
      ),
    }),
    provisioning: z.object({
      controls: Controls,
      at: z.string().nullable(),
      cloudRequestIds: z.array(z.string()),
      bindingId: z.string().nullable(),
      readBack: z.unknown(),
      effectiveAccess: z.unknown(),
      cloudCheck: z.unknown(),
    }),
    removal: z.object({
      controls: Controls,
      at: z.string().nullable(),
      reason: z.string().nullable(),
      cloudRequestIds: z.array(z.string()),
      readBack: z.unknown().describe("the cloud read back after removal, proving the binding is gone"),
      lateSeconds: z
        .number()
        .nullable()
        .describe("removal after the expiry; null when not removed or removed early"),
    }),
    usage: z.object({
      controls: Controls,
      available: z.boolean(),
      allowedCalls: z.number(),
      deniedCalls: z.number(),
      permissions: z.array(
        z.object({ permission: z.string(), granted: z.boolean(), allowed: z.number(), denied: z.number() }),
      ),
    }),
    audit: z.object({
      controls: Controls,
      events: z.array(
        z.object({
          seq: z.number(),
          orgId: z.string(),
          actorType: z.string(),
          actorId: z.string(),
          action: z.string(),
          subjectType: z.string(),
          subjectId: z.string(),
          data: z.record(z.string(), z.unknown()),
          createdAt: Iso,
          prevHash: z.string(),
          hash: z.string(),
        }),
      ),
      checkpoint: SignedCheckpointSchema.nullable().describe(
        "the first signed checkpoint covering every event",
      ),
    }),
  }),
  signature: z.object({ alg: z.literal("Ed25519"), keyId: z.string(), value: z.string() }),
});

export type EvidencePackDto = z.output<typeof EvidencePackSchema>;
