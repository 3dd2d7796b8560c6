import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  type AutoApproveReason,
  groups,
  memberships,
  type PolicyDocument,
  type PolicyOutcome,
  type Risk,
  type targets,
  users,
} from "@/db/schema";
import { isOnCallForAll, type OnCallDirectory } from "@/lib/oncall/port";
import { autoApproval, type Evaluation, evaluate, type RequestFacts } from "./evaluate";

type TargetRow = typeof targets.$inferSelect;

/** Names of the groups the user belongs to right now (read at the moment of use). */
export async function groupsOf(db: Db, orgId: string, userId: string): Promise<string[]> {
  const rows = await db
    .select({ name: groups.name })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  return rows.map((r) => r.name).sort();
}

export function factsFor(
  target: TargetRow,
  templateKey: string | null,
  risk: Risk,
  requesterGroups: readonly string[],
  templateOwnerGroup: string | null = null,
): RequestFacts {
  return {
    targetId: target.id,
    cloud: target.cloud,
    tags: target.tags,
    environment: target.environment,
    ownerGroup: target.ownerGroup,
    templateKey,
    templateOwnerGroup,
    risk,
    requesterGroups,
  };
}

export type Judgement = Evaluation & {
  /** Conditions that held, with the rules that made the request automatic; null when it is not. */
  auto: AutoApproveReason | null;
};

/**
 * The policy's verdict on one request over all its targets: the strictest combination (./evaluate.ts), and
 * whether it is automatic now (clock, risk, PagerDuty on-call for every target's mapped service).
 */
export async function judge(opts: {
  document: PolicyDocument;
  targets: readonly TargetRow[];
  templateKey: string | null;
  /** The template's owner group (`$templateOwners`). */
  templateOwnerGroup?: string | null;
  risk: Risk;
  requesterGroups: readonly string[];
  requesterEmail: string;
  now: Date;
  onCall: OnCallDirectory;
}): Promise<Judgement> {
  const facts = opts.targets.map((t) =>
    factsFor(t, opts.templateKey, opts.risk, opts.requesterGroups, opts.templateOwnerGroup ?? null),
  );
  const evaluation = evaluate(opts.document, facts);
  const { decision } = evaluation;
  let auto: AutoApproveReason | null = null;
  if (!decision.deny && decision.autoApprove) {
    const held = await autoApproval(decision.autoApprove, {
      now: opts.now,
      risk: opts.risk,
      onCall: () =>
        isOnCallForAll(
          opts.onCall,
          opts.requesterEmail,
          opts.targets.map((t) => t.oncallServiceId),
        ).catch(() => false),
    });
    if (held) {
      const deciding = opts.document.rules.filter(
        (r) => evaluation.ruleIds.includes(r.id) && r.decide.autoApprove !== undefined,
      );
      auto = { ruleIds: deciding.length ? deciding.map((r) => r.id) : ["defaults"], conditions: held };
    }
  }
  return { ...evaluation, auto };
}

export function outcomeOf(
  policy: { id: string; version: number },
  j: Judgement,
  breakGlass: boolean,
): PolicyOutcome {
  return {
    policyId: policy.id,
    policyVersion: policy.version,
    ruleIds: j.ruleIds,
    decision: j.decision,
    autoApproveReason: j.auto,
    stepUp: j.decision.stepUp,
    breakGlass,
  };
}

/** Enabled members of each group, for "who approves". */
export async function membersOf(db: Db, orgId: string, groupNames: readonly string[]) {
  const out: { group: string; members: { id: string; email: string; name: string | null }[] }[] = [];
  for (const name of groupNames) {
    const members = await db
      .select({ id: users.id, email: users.email, name: users.name })
      .from(memberships)
      .innerJoin(groups, eq(groups.id, memberships.groupId))
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(groups.orgId, orgId), eq(groups.name, name), isNull(users.disabledAt)))
      .orderBy(users.email);
    out.push({ group: name, members });
  }
  return out;
}
