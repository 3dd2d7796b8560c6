import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { POLICY_STATUSES, policies } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx, hasPermission, requirePerson } from "@/lib/ctx";
import { Conflict, Forbidden, parseInput, Validation } from "@/lib/errors";
import { diffLines } from "./diff";
import { type PolicyDetailDto, type PolicyVersionDto, toPolicyDtos } from "./dto";
import { getActivePolicy, getPolicyInOrgOrThrow } from "./queries";
import { documentToYaml, parseDocumentText, validateDocument } from "./schema";

/** JSON with sorted keys: jsonb does not keep key order, so equality is by content. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

/** Reading policies: admins, and auditors (who read everything). */
function assertCanRead(ctx: Ctx) {
  if (!hasPermission(ctx, "policies.edit") && !hasPermission(ctx, "audit.read")) {
    throw Forbidden("Missing permission policies.edit");
  }
}

export const ListPoliciesInput = z.object({ status: z.enum(POLICY_STATUSES).optional() });
export type ListPoliciesInput = z.input<typeof ListPoliciesInput>;

/** Every version and change, newest first (pending changes, then active versions by number). */
export async function listPolicies({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: ListPoliciesInput;
}): Promise<PolicyVersionDto[]> {
  assertCanRead(ctx);
  const { status } = parseInput(ListPoliciesInput, input);
  const rows = await ctx.db
    .select()
    .from(policies)
    .where(and(eq(policies.orgId, ctx.orgId), status ? eq(policies.status, status) : undefined))
    .orderBy(sql`${policies.version} desc nulls first`, desc(policies.createdAt))
    .limit(500);
  return toPolicyDtos(ctx.db, rows);
}

export const GetPolicyInput = z.object({ policyId: z.union([z.uuid(), z.literal("active")]) });
export type GetPolicyInput = z.input<typeof GetPolicyInput>;

/** One version (or `active`) with its document, its YAML and the diff against the active version. */
export async function getPolicy({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: GetPolicyInput;
}): Promise<PolicyDetailDto> {
  assertCanRead(ctx);
  const { policyId } = parseInput(GetPolicyInput, input);
  const active = await getActivePolicy(ctx.db, ctx.orgId);
  const row = policyId === "active" ? active : await getPolicyInOrgOrThrow(ctx.db, ctx.orgId, policyId);
  const [dto] = await toPolicyDtos(ctx.db, [row]);
  const yaml = documentToYaml(row.document);
  return {
    ...dto,
    document: row.document,
    yaml,
    diff: row.id === active.id ? [] : diffLines(documentToYaml(active.document), yaml),
  };
}

export const ProposePolicyInput = z
  .object({
    /** The document as an object (API) … */
    document: z.unknown().optional(),
    /** … or as YAML/JSON text (the portal editor). */
    text: z.string().optional(),
    comment: z.string().trim().max(2000).optional(),
  })
  .refine((v) => (v.document === undefined) !== (v.text === undefined), {
    message: "give either document or text",
    path: ["document"],
  });
export type ProposePolicyInput = z.input<typeof ProposePolicyInput>;

/** Parses a candidate document from either input form (shared with simulation). */
export function candidateDocument(input: { document?: unknown; text?: string }) {
  return input.text !== undefined ? parseDocumentText(input.text) : validateDocument(input.document);
}

/**
 * Four-eyes, step 1: a change is stored as `pending` against the active version. It decides nothing until
 * another admin approves it (approvePolicyChange); its author never can.
 */
export async function proposePolicyChange({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ProposePolicyInput;
}): Promise<PolicyDetailDto> {
  assertPermission(ctx, "policies.edit");
  const actor = requirePerson(ctx);
  const data = parseInput(ProposePolicyInput, input);
  const document = candidateDocument(data);
  const id = await ctx.db.transaction(async (tx) => {
    const active = await getActivePolicy(tx, ctx.orgId);
    if (canonical(active.document) === canonical(document)) {
      throw Validation("document", "is the same as the active version; nothing to approve");
    }
    const [row] = await tx
      .insert(policies)
      .values({
        orgId: ctx.orgId,
        version: null,
        status: "pending",
        document,
        baseVersion: active.version,
        comment: data.comment || null,
        createdBy: actor.userId,
      })
      .returning({ id: policies.id });
    await appendAudit(tx, ctx, {
      action: "policy.change_proposed",
      subjectType: "policy",
      subjectId: row.id,
      data: {
        baseVersion: active.version,
        comment: data.comment || null,
        rules: document.rules.map((r) => r.id),
      },
    });
    return row.id;
  });
  return getPolicy({ ctx, input: { policyId: id } });
}

export const DecidePolicyInput = z.object({
  policyId: z.uuid(),
  comment: z.string().trim().max(2000).optional(),
});
export type DecidePolicyInput = z.input<typeof DecidePolicyInput>;

/**
 * Four-eyes, step 2: another admin approves; the change becomes the next active version. Refused to its
 * author, and refused when another version became active since it was written (propose it again, so the
 * approver sees the diff against what is really in force).
 */
export async function approvePolicyChange({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: DecidePolicyInput;
}): Promise<PolicyDetailDto> {
  assertPermission(ctx, "policies.edit");
  const actor = requirePerson(ctx);
  const { policyId, comment } = parseInput(DecidePolicyInput, input);
  const seen = await getPolicyInOrgOrThrow(ctx.db, ctx.orgId, policyId);
  if (seen.status === "pending" && seen.createdBy === actor.userId) {
    // The refusal is evidence too: audited in its own transaction, then refused.
    await ctx.db.transaction((tx) =>
      appendAudit(tx, ctx, {
        action: "policy.change_refused",
        subjectType: "policy",
        subjectId: policyId,
        data: { reason: "author" },
      }),
    );
    throw authorRefused();
  }
  await ctx.db.transaction(async (tx) => {
    // One version assignment at a time per org.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`policy:${ctx.orgId}`}))`);
    const row = await getPolicyInOrgOrThrow(tx, ctx.orgId, policyId, { lock: true });
    if (row.status !== "pending") throw Conflict(`This policy change is already ${row.status}`);
    if (row.createdBy === actor.userId) throw authorRefused();
    const active = await getActivePolicy(tx, ctx.orgId);
    if (row.baseVersion !== active.version) {
      throw Conflict(
        `This change was written against version ${row.baseVersion}; version ${active.version} is active now. Propose it again.`,
      );
    }
    const version = active.version + 1;
    await tx
      .update(policies)
      .set({ status: "active", version, decidedBy: actor.userId, decidedAt: new Date() })
      .where(and(eq(policies.id, policyId), eq(policies.status, "pending")));
    await appendAudit(tx, ctx, {
      action: "policy.change_approved",
      subjectType: "policy",
      subjectId: policyId,
      data: { version, previousVersion: active.version, author: row.createdBy, comment: comment || null },
    });
  });
  return getPolicy({ ctx, input: { policyId } });
}

const authorRefused = () => Forbidden("A policy change needs a second admin: its author cannot approve it");

/** Reject a pending change (another admin), or withdraw it (its author). */
export async function rejectPolicyChange({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: DecidePolicyInput;
}): Promise<PolicyDetailDto> {
  assertPermission(ctx, "policies.edit");
  const actor = requirePerson(ctx);
  const { policyId, comment } = parseInput(DecidePolicyInput, input);
  await ctx.db.transaction(async (tx) => {
    const row = await getPolicyInOrgOrThrow(tx, ctx.orgId, policyId, { lock: true });
    if (row.status !== "pending") throw Conflict(`This policy change is already ${row.status}`);
    await tx
      .update(policies)
      .set({ status: "rejected", decidedBy: actor.userId, decidedAt: new Date() })
      .where(eq(policies.id, policyId));
    await appendAudit(tx, ctx, {
      action: row.createdBy === actor.userId ? "policy.change_withdrawn" : "policy.change_rejected",
      subjectType: "policy",
      subjectId: policyId,
      data: { author: row.createdBy, comment: comment || null },
    });
  });
  return getPolicy({ ctx, input: { policyId } });
}
