import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { groups, type PolicyDecision, RISKS, type Risk, taskTemplates, users } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { NotFound, parseInput, Validation } from "@/lib/errors";
import { onCallDirectory } from "@/lib/oncall";
import { getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { groupsOf, judge, membersOf } from "./judge";
import { getActivePolicy } from "./queries";
import { candidateDocument } from "./versions";

export const SimulateInput = z
  .object({
    /** A draft to try (object or YAML/JSON text); neither: the active version. Nothing is saved. */
    document: z.unknown().optional(),
    text: z.string().optional(),
    targetIds: z.array(z.uuid()).min(1, "name at least one target").max(20, "at most 20 targets"),
    templateKey: z.string().trim().min(1).max(200).optional(),
    /** The request's risk when no template is named (explicit permissions); default: the template's. */
    risk: z.enum(RISKS).optional(),
    /** Judge for this person (their groups, on-call); without it, only "which groups may request". */
    requesterEmail: z.email().optional(),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((v) => !(v.document !== undefined && v.text !== undefined), {
    message: "give document or text, not both",
    path: ["text"],
  })
  .refine((v) => v.templateKey !== undefined || v.risk !== undefined, {
    message: "give a templateKey or a risk",
    path: ["templateKey"],
  });
export type SimulateInput = z.input<typeof SimulateInput>;

export type SimulationDto = {
  policy: { source: "draft" | "active"; version: number | null };
  /** The requester's verdict, or when none is named a requester in no group. */
  requester: { email: string | null; groups: string[] };
  allowed: boolean;
  denyReasons: string[];
  ruleIds: string[];
  decision: PolicyDecision;
  /** Who approves: each group the decision names, with its enabled members. */
  approvers: { group: string; members: { id: string; email: string; name: string | null }[] }[];
  /** Automatic for this requester now (conditions held, and the rules), or null. */
  automatic: { ruleIds: string[]; conditions: string[] } | null;
  breakGlassAllowed: boolean;
  /** Who may request: each of the org's groups (as a requester's only group) and whether it may. */
  requesterGroups: { group: string; allowed: boolean; automaticPossible: boolean }[];
};

/** "Who may request X on Y, who approves, what is automatic" for a draft or the active version. */
export async function simulatePolicy({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SimulateInput;
}): Promise<SimulationDto> {
  assertPermission(ctx, "policies.edit");
  const data = parseInput(SimulateInput, input);
  const draft = data.document !== undefined || data.text !== undefined;
  const active = draft ? null : await getActivePolicy(ctx.db, ctx.orgId);
  const document = active ? active.document : candidateDocument(data);
  const targets = [];
  for (const id of data.targetIds) targets.push(await getTargetInOrgOrThrow(ctx.db, ctx.orgId, id));
  let risk: Risk | undefined = data.risk;
  let templateOwnerGroup: string | null = null;
  if (data.templateKey) {
    const [t] = await ctx.db
      .select({ risk: taskTemplates.risk, ownerGroup: taskTemplates.ownerGroup })
      .from(taskTemplates)
      .where(and(eq(taskTemplates.orgId, ctx.orgId), eq(taskTemplates.key, data.templateKey)))
      .orderBy(desc(taskTemplates.version))
      .limit(1);
    if (!t) throw Validation("templateKey", `no template "${data.templateKey}" in this organization`);
    risk ??= t.risk;
    templateOwnerGroup = t.ownerGroup;
  }
  const now = data.at ? new Date(data.at) : new Date();
  let requester: { id: string; email: string } | null = null;
  if (data.requesterEmail) {
    const [u] = await ctx.db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(and(eq(users.orgId, ctx.orgId), eq(users.email, data.requesterEmail.toLowerCase())));
    if (!u) throw NotFound("Requester");
    requester = u;
  }
  const requesterGroups = requester ? await groupsOf(ctx.db, ctx.orgId, requester.id) : [];
  const base = {
    document,
    targets,
    templateKey: data.templateKey ?? null,
    templateOwnerGroup,
    risk: risk as Risk,
    now,
    onCall: onCallDirectory(),
  };
  const j = await judge({ ...base, requesterGroups, requesterEmail: requester?.email ?? "" });

  const orgGroups = await ctx.db
    .select({ name: groups.name })
    .from(groups)
    .where(eq(groups.orgId, ctx.orgId))
    .orderBy(groups.name);
  const byGroup = [];
  for (const g of orgGroups) {
    // On-call needs a person: "possible" means every other condition could hold.
    const gj = await judge({ ...base, requesterGroups: [g.name], requesterEmail: "" });
    byGroup.push({
      group: g.name,
      allowed: !gj.decision.deny,
      automaticPossible: gj.decision.autoApprove !== null,
    });
  }
  return {
    policy: { source: draft ? "draft" : "active", version: active?.version ?? null },
    requester: { email: requester?.email ?? null, groups: requesterGroups },
    allowed: !j.decision.deny,
    denyReasons: j.denyReasons,
    ruleIds: j.ruleIds,
    decision: j.decision,
    approvers: await membersOf(ctx.db, ctx.orgId, j.decision.approverGroups),
    automatic: requester ? j.auto : null,
    breakGlassAllowed: !j.decision.deny && j.decision.breakGlass.allowed,
    requesterGroups: byGroup,
  };
}
