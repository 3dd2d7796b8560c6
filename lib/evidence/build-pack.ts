import { and, asc, eq, inArray, or } from "drizzle-orm";
import { z } from "zod";
import { accessRequests, auditEvents, organizations, policies, targets, users } from "@/db/schema";
import { coveringCheckpoint, createCheckpoint } from "@/lib/audit/checkpoint";
import { signingKey } from "@/lib/audit/keys";
import { controlLabels } from "@/lib/compliance/controls";
import type { Ctx } from "@/lib/ctx";
import { NotFound, parseInput, Unavailable } from "@/lib/errors";
import { loadGrantDto, loadRequestDto } from "@/lib/requests/dto";
import { getGrantInOrgOrThrow } from "@/lib/requests/queries";
import { canSeeGrant } from "@/lib/requests/visibility";
import { getGrantUsage } from "@/lib/usage/grant-usage";
import type { EvidencePackDto } from "./schema";
import { PACK_FORMAT, signPack } from "./signing";

export const GetEvidenceInput = z.object({ grantId: z.uuid() });
export type GetEvidenceInput = z.input<typeof GetEvidenceInput>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const minutesBetween = (from: string | null, to: string | null) =>
  from && to ? Math.round((Date.parse(to) - Date.parse(from)) / 60_000) : null;

/** `oidc:<issuer>` for an IdP subject (`iss|sub`), `demo` for a demo persona (`demo|<org>|<persona>`). */
export function identitySource(subject: string): string {
  if (subject.startsWith("demo|")) return "demo";
  const bar = subject.indexOf("|");
  return `oidc:${bar < 0 ? subject : subject.slice(0, bar)}`;
}

/**
 * The signed evidence pack of one grant: who asked (and where their identity comes from), why, for what
 * exactly, when, who approved under which policy version and rule, what the cloud did at bind and at
 * removal (request ids, read-backs, effective access, lateness), usage during the grant when recorded,
 * and the audit events of the request and grant with their hashes and the signed checkpoint covering them
 * (one is signed now when none covers them yet). Visible like the grant: its own user and holders of
 * grants.read.all (auditors, admins); anyone else gets the same NotFound as an unknown id.
 */
export async function getEvidencePack({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: GetEvidenceInput;
}): Promise<EvidencePackDto> {
  const { grantId } = parseInput(GetEvidenceInput, input);
  const row = await getGrantInOrgOrThrow(ctx.db, ctx.orgId, grantId);
  if (!canSeeGrant(ctx, row)) throw NotFound("Grant");
  const key = signingKey();
  if (!key)
    throw Unavailable(
      "Evidence packs are signed, and this server has no audit signing key (ELEVATE_AUDIT_SIGNING_KEY)",
    );

  const grant = await loadGrantDto(ctx.db, ctx.orgId, grantId);
  const request = await loadRequestDto(ctx.db, ctx.orgId, row.requestId);
  const [org] = await ctx.db
    .select({ slug: organizations.slug })
    .from(organizations)
    .where(eq(organizations.id, ctx.orgId));
  const [requester] = await ctx.db
    .select({ subject: users.subject })
    .from(users)
    .where(eq(users.id, request.requester.id));
  const [req] = await ctx.db
    .select({ policyId: accessRequests.policyId })
    .from(accessRequests)
    .where(eq(accessRequests.id, request.id));
  const [policy] = await ctx.db.select().from(policies).where(eq(policies.id, req.policyId));
  const [target] = await ctx.db
    .select({ id: targets.id, name: targets.name, cloud: targets.cloud, externalId: targets.externalId })
    .from(targets)
    .where(eq(targets.id, row.targetId));

  const approverIds = request.approvals.map((a) => a.approverId);
  const approverRows = approverIds.length
    ? await ctx.db
        .select({ id: users.id, email: users.email, name: users.name })
        .from(users)
        .where(and(eq(users.orgId, ctx.orgId), inArray(users.id, approverIds)))
    : [];
  const approvers = new Map(approverRows.map((u) => [u.id, u]));
  const usage = await getGrantUsage({ ctx, input: { grantId } });
  const events = await ctx.db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.orgId, ctx.orgId),
        or(
          and(eq(auditEvents.subjectType, "grant"), eq(auditEvents.subjectId, grantId)),
          and(eq(auditEvents.subjectType, "request"), eq(auditEvents.subjectId, request.id)),
        ),
      ),
    )
    .orderBy(asc(auditEvents.seq));
  const lastSeq = events.at(-1)?.seq;
  let checkpoint = lastSeq === undefined ? null : await coveringCheckpoint(ctx.db, ctx.orgId, lastSeq);
  if (lastSeq !== undefined && !checkpoint) {
    checkpoint = await createCheckpoint(ctx.db, { orgId: ctx.orgId, reason: "export", key });
  }

  const ev = grant.evidence;
  const removedAt = ev.removal?.at ?? grant.revokedAt;
  // Lateness is how long an expired grant outlived its expiry; an early revocation has none.
  const expiredOnTime = grant.revokeReason === "expired";
  const lateSeconds =
    removedAt && grant.expiresAt && expiredOnTime
      ? Math.max(0, Math.round((Date.parse(removedAt) - Date.parse(grant.expiresAt)) / 1000))
      : null;

  const pack = {
    format: PACK_FORMAT,
    generatedAt: new Date().toISOString(),
    org: { id: ctx.orgId, slug: org?.slug ?? "" },
    grant: { id: grant.id, requestId: grant.requestId, status: grant.status },
    sections: {
      requester: {
        controls: controlLabels("requester"),
        person: request.requester,
        identitySource: identitySource(requester?.subject ?? ""),
        subject: requester?.subject ?? "",
      },
      justification: {
        controls: controlLabels("justification"),
        justification: request.justification,
        ticketUrl: request.ticketUrl,
      },
      documents: {
        controls: controlLabels("documents"),
        target,
        template: request.template,
        risk: request.risk,
        permissions: grant.permissions,
        resource: grant.resource,
        roleName: grant.roleName,
        document: grant.roleDocument,
        parts: row.roleSpec.parts ?? null,
      },
      window: {
        controls: controlLabels("window"),
        requestedAt: request.createdAt,
        requestedMinutes: request.durationMinutes,
        decidedAt: request.decidedAt,
        activatedAt: grant.activatedAt,
        expiresAt: grant.expiresAt,
        endedAt: removedAt ?? null,
        actualMinutes: minutesBetween(grant.activatedAt, removedAt ?? null),
        extensions: (ev.extensions ?? []).map((x) => ({ from: x.from, to: x.to, at: x.at })),
      },
      approvals: {
        controls: controlLabels("approvals"),
        policy: {
          id: policy.id,
          version: policy.version,
          rule: `${request.approvalsRequired} approval(s) from group "${request.approverGroup}", never the requester`,
          document: policy.document as unknown as Record<string, unknown>,
        },
        decisions: request.approvals.map((a) => ({
          approver: approvers.get(a.approverId) ?? { id: a.approverId, email: "", name: a.approverName },
          verdict: a.verdict,
          comment: a.comment,
          channel: a.channel,
          at: a.createdAt,
        })),
      },
      provisioning: {
        controls: controlLabels("provisioning"),
        at: ev.provision?.at ?? null,
        cloudRequestIds: ev.provision?.requestIds ?? [],
        bindingId: ev.provision?.bindingId ?? null,
        readBack: ev.provision?.inspected ?? null,
        effectiveAccess: ev.provision?.effective ?? null,
        cloudCheck: ev.provision?.cloudCheck ?? null,
      },
      removal: {
        controls: controlLabels("removal"),
        at: removedAt ?? null,
        reason: grant.revokeReason,
        cloudRequestIds: ev.removal?.requestIds ?? [],
        readBack: ev.removal?.inspected ?? null,
        lateSeconds,
      },
      usage: {
        controls: controlLabels("usage"),
        available: usage.allowedCalls + usage.deniedCalls > 0,
        allowedCalls: usage.allowedCalls,
        deniedCalls: usage.deniedCalls,
        permissions: usage.permissions.map((p) => ({
          permission: p.permission,
          granted: p.granted,
          allowed: p.allowed,
          denied: p.denied,
        })),
      },
      audit: {
        controls: controlLabels("audit"),
        events: events.map((e) => ({
          seq: e.seq,
          orgId: e.orgId,
          actorType: e.actorType,
          actorId: e.actorId,
          action: e.action,
          subjectType: e.subjectType,
          subjectId: e.subjectId,
          data: e.data,
          createdAt: iso(e.createdAt)!,
          prevHash: e.prevHash,
          hash: e.hash,
        })),
        checkpoint,
      },
    },
  };
  // JSON-safe before signing: what is signed is exactly what a file will hold.
  return signPack(key, JSON.parse(JSON.stringify(pack))) as EvidencePackDto;
}

/** The grants whose evidence this person may download (the same rule as the pack itself). */
export function evidenceGrantIds(ctx: Ctx, grants: { id: string; user: { id: string } }[]): string[] {
  return grants.filter((g) => canSeeGrant(ctx, { userId: g.user.id })).map((g) => g.id);
}
