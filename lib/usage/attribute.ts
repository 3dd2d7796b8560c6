import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { grants, targets, type UsageAttribution, users } from "@/db/schema";
import { assignmentName, principalId, roleGuid, subscriptionScope } from "@/lib/clouds/azure/ids";
import type { Check, Observed } from "./types";

type GrantInfo = {
  id: string;
  targetId: string;
  start: number;
  end: number;
  /** Normalised permissions of the grant's role (GCP exact, AWS and Azure lower-cased). */
  permissions: Set<string>;
  activatedAt: number;
};

export type GrantIndexData = {
  byScope: Map<string, string>;
  byId: Map<string, GrantInfo>;
  byPrincipal: Map<string, GrantInfo[]>;
  byAssignment: Map<string, GrantInfo[]>;
  targetIds: Set<string>;
};

export type Attributed = { targetId: string | null; attribution: UsageAttribution; grantId: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The binding is made a moment before the grant is marked active; calls in that moment are the grant's. */
const ACTIVATION_GRACE_MS = 60_000;
const GCP_MEMBER = /^(user|serviceAccount|group|principal):/;

const norm = (cloud: string, p: string) => (cloud === "gcp" ? p : p.toLowerCase());
const who = (p: string) => p.replace(GCP_MEMBER, "").toLowerCase();

/**
 * The org's targets and grants, loaded once per import and held in memory, so attributing a call is a few
 * map lookups (the ingest bench relies on it). Only grants that were ever active can explain a call.
 */
export class GrantIndex {
  private readonly byScope: Map<string, string>;
  private readonly byId: Map<string, GrantInfo>;
  private readonly byPrincipal: Map<string, GrantInfo[]>;
  private readonly byAssignment: Map<string, GrantInfo[]>;
  private readonly targetIds: Set<string>;

  /** Empty, or the maps of another index (`toData`), as the ingest worker receives them. */
  constructor(data?: GrantIndexData) {
    this.byScope = data?.byScope ?? new Map();
    this.byId = data?.byId ?? new Map();
    this.byPrincipal = data?.byPrincipal ?? new Map();
    this.byAssignment = data?.byAssignment ?? new Map();
    this.targetIds = data?.targetIds ?? new Set();
  }

  static async load(db: Db, orgId: string): Promise<GrantIndex> {
    const idx = new GrantIndex();
    const ts = await db.select().from(targets).where(eq(targets.orgId, orgId));
    const people = await db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(eq(users.orgId, orgId));
    const rows = await db
      .select({
        id: grants.id,
        targetId: grants.targetId,
        userId: grants.userId,
        roleSpec: grants.roleSpec,
        activatedAt: grants.activatedAt,
        revokedAt: grants.revokedAt,
        expiresAt: grants.expiresAt,
      })
      .from(grants)
      .where(and(eq(grants.orgId, orgId), isNotNull(grants.activatedAt)));
    const email = new Map(people.map((u) => [u.id, u.email]));
    const targetById = new Map(ts.map((t) => [t.id, t]));
    for (const t of ts) {
      idx.targetIds.add(t.id);
      idx.byScope.set(`${t.cloud}|${t.externalId.toLowerCase()}`, t.id);
    }
    for (const g of rows) {
      const t = targetById.get(g.targetId);
      const mail = email.get(g.userId);
      if (!t || !mail || !g.activatedAt) continue;
      const info: GrantInfo = {
        id: g.id,
        targetId: g.targetId,
        start: g.activatedAt.getTime() - ACTIVATION_GRACE_MS,
        end: (g.revokedAt ?? g.expiresAt)?.getTime() ?? Number.POSITIVE_INFINITY,
        permissions: new Set(g.roleSpec.permissions.map((p) => norm(t.cloud, p))),
        activatedAt: g.activatedAt.getTime(),
      };
      idx.byId.set(g.id, info);
      const map = (t.settings.principals ?? {}) as Record<string, unknown>;
      const mapped = Object.entries(map).find(([k]) => k.toLowerCase() === mail.toLowerCase())?.[1];
      const names = new Set([who(mail), ...(typeof mapped === "string" ? [who(mapped)] : [])]);
      for (const n of names) push(idx.byPrincipal, `${t.id}|${n}`, info);
      if (t.cloud === "azure" && typeof mapped === "string") {
        const a = azureAssignment(t.externalId, g.roleSpec, mapped);
        if (a) push(idx.byAssignment, a, info);
      }
    }
    return idx;
  }

  /**
   * The index as plain maps and sets, for the ingest worker (structured cloning keeps the maps, the sets
   * and the grants they share).
   */
  toData(): GrantIndexData {
    const { byScope, byId, byPrincipal, byAssignment, targetIds } = this;
    return { byScope, byId, byPrincipal, byAssignment, targetIds };
  }

  hasTarget(id: string): boolean {
    return this.targetIds.has(id);
  }

  targetOf(ev: Observed): string | null {
    return ev.scope ? (this.byScope.get(`${ev.cloud}|${ev.scope.toLowerCase()}`) ?? null) : null;
  }

  /** Which grant allowed (or was in force for) one checked permission of a call; standing otherwise. */
  attribute(ev: Observed, check: Check, forcedTarget: string | null): Attributed {
    const targetId = forcedTarget ?? this.targetOf(ev);
    const grant = this.grantFor(ev, check, targetId);
    return grant
      ? { targetId: targetId ?? grant.targetId, attribution: "grant", grantId: grant.id }
      : { targetId, attribution: "standing", grantId: null };
  }

  private grantFor(ev: Observed, check: Check, targetId: string | null): GrantInfo | null {
    if (ev.cloud === "aws") {
      // Only the role counts: Elevate names it elevate-<grantId> and creates it for that grant alone (its
      // trust policy admits only the grant id as session name). A session name alone proves nothing: anyone
      // may name a session of their own role after a grant, to pass standing use off as granted.
      const id = ev.roleName?.startsWith("elevate-") ? ev.roleName.slice(8) : null;
      const g = id && UUID.test(id) ? this.byId.get(id.toLowerCase()) : undefined;
      return g && (!targetId || g.targetId === targetId) ? g : null;
    }
    if (!targetId) return null;
    const t = ev.occurredAt.getTime();
    const held = (g: GrantInfo) => !check.allowed || g.permissions.has(norm(ev.cloud, check.permission));
    const inWindow = (g: GrantInfo) => g.targetId === targetId && t >= g.start && t < g.end;
    if (ev.roleAssignmentId) {
      const g = latest((this.byAssignment.get(ev.roleAssignmentId) ?? []).filter(inWindow));
      if (g) return g;
    }
    return latest(
      (this.byPrincipal.get(`${targetId}|${who(ev.principal)}`) ?? []).filter((g) => inWindow(g) && held(g)),
    );
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Overlapping grants: the one activated last is credited (each has its own binding; either allowed it). */
function latest(list: GrantInfo[]): GrantInfo | null {
  let best: GrantInfo | null = null;
  for (const g of list) if (!best || g.activatedAt > best.activatedAt) best = g;
  return best;
}

/** The GUID the Azure adapter names a grant's assignment with (lib/clouds/azure/direct-store.ts). */
function azureAssignment(
  subscription: string,
  spec: { roleName: string; binding?: { scope?: string } },
  principal: string,
): string | null {
  try {
    const scope = (spec.binding?.scope ?? subscriptionScope(subscription)).toLowerCase();
    return assignmentName(scope, roleGuid(spec.roleName), principalId(principal));
  } catch {
    return null;
  }
}
