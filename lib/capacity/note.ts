import { loadOrgCatalog } from "@/lib/catalog/load";
import { type Ctx, hasPermission } from "@/lib/ctx";
import {
  getRequestInOrgOrThrow,
  getTargetInOrgOrThrow,
  getTemplateInOrgOrThrow,
} from "@/lib/requests/queries";
import { buildRequestRole, roleSourceOf } from "@/lib/requests/role-source";
import { type Capacity, capacityFor } from "./capacity";
import { limitsFor, slotsOf } from "./limits";
import { roleIsCounted, type TargetUsage, usageOf } from "./usage";

/** What approving would do to the target's limits, in one line for the approver. */
export type CapacityNoteDto = {
  tone: "ok" | "warning" | "danger";
  message: string;
  /** The role already exists (or, on GCP, can be undeleted): no new slot. */
  reuse: boolean;
  roles: Capacity;
  bindings: Capacity | null;
};

const fmt = (n: number) => n.toLocaleString("en-US");

/** The roles sentence: reuse, a new slot, or no room (and whether early collection can make some). */
export function rolesSentence(
  targetName: string,
  reuse: boolean,
  c: Capacity,
  usage: TargetUsage["roles"],
  deletedStillCounts: boolean,
): { tone: CapacityNoteDto["tone"]; text: string } {
  const of = `${fmt(c.used)} of ${fmt(c.limit)} ${usage.what} used`;
  if (reuse)
    return { tone: "ok", text: `Reuses a role that already exists on ${targetName}: no new slot (${of}).` };
  if (c.afterApproval <= c.limit) {
    return c.warning
      ? { tone: "warning", text: `Needs a new role on ${targetName} (${of}): ${c.warning}.` }
      : { tone: "ok", text: `Needs a new role on ${targetName} (${of}).` };
  }
  const short = c.afterApproval - c.limit;
  const head = `No room on ${targetName} (${of}): ${c.warning}.`;
  if (!deletedStillCounts && usage.unused >= short) {
    return {
      tone: "warning",
      text: `${head} ${fmt(usage.unused)} unused roles will be deleted early to make room.`,
    };
  }
  const when =
    deletedStillCounts && usage.nextFreeAt ? ` A deleted role stops counting at ${usage.nextFreeAt}.` : "";
  return {
    tone: "danger",
    text: `${head} Every role is in use, so the grant will fail unless grants are revoked or the quota is raised.${when}`,
  };
}

/**
 * For approvers of a pending request: what approving would use of the target's custom-role limit (and of
 * its binding limit, where the cloud has one). Null for anyone else, or when the role cannot be built.
 */
export async function capacityNote(
  ctx: Ctx,
  requestId: string,
  now = new Date(),
): Promise<CapacityNoteDto | null> {
  if (!hasPermission(ctx, "requests.approve")) return null;
  const request = await getRequestInOrgOrThrow(ctx.db, ctx.orgId, requestId);
  if (request.status !== "pending") return null;
  const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, request.targetId);
  const template = request.templateId
    ? await getTemplateInOrgOrThrow(ctx.db, ctx.orgId, request.templateId)
    : null;
  const source = roleSourceOf(target.cloud, template, request.permissions, request.resourceKind);
  let spec: ReturnType<typeof buildRequestRole>;
  try {
    spec = buildRequestRole(target, source, request.resource, await loadOrgCatalog(ctx.db, ctx.orgId));
  } catch {
    return null; // The request no longer builds (catalog or template changed): approval will say why.
  }
  const limits = limitsFor(target);
  const reuse = await roleIsCounted(ctx.db, target, spec.hash, now);
  const usage = (await usageOf(ctx.db, [target], now)).get(target.id);
  if (!usage) return null;
  const parts = slotsOf(target.adapter, spec);
  const roles = capacityFor(usage.roles.used, usage.roles.limit, reuse ? 0 : parts);
  const bindings = usage.bindings ? capacityFor(usage.bindings.used, usage.bindings.limit, 1) : null;
  const sentence = rolesSentence(target.name, reuse, roles, usage.roles, limits.deletedCountsMs > 0);
  const texts = [sentence.text];
  let tone = sentence.tone;
  if (limits.partsPerBinding && parts > limits.partsPerBinding.value) {
    texts.push(
      `It needs ${parts} managed policies on one role; IAM attaches at most ${limits.partsPerBinding.value}, so the grant will fail.`,
    );
    tone = "danger";
  }
  if (bindings?.warning && usage.bindings) {
    texts.push(
      `${fmt(bindings.used)} of ${fmt(bindings.limit)} ${usage.bindings.what} used: ${bindings.warning}.`,
    );
    if (tone === "ok") tone = "warning";
    if (bindings.afterApproval > bindings.limit) tone = "danger";
  }
  return { tone, message: texts.join(" "), reuse, roles, bindings };
}
