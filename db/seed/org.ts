import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  type AppRole,
  groups,
  memberships,
  organizations,
  type PolicyDocument,
  policies,
  targets,
  taskTemplates,
  users,
} from "@/db/schema";
import { documentFromLegacy, type LegacyPolicyFields } from "@/lib/policies/default";
import { STARTER_TEMPLATES } from "./templates";

export const PERSONAS = [
  { key: "requester", name: "Riley Requester", roles: ["requester"], groups: ["engineering"] },
  { key: "approver", name: "Avery Approver", roles: ["requester"], groups: ["engineering", "approvers"] },
  { key: "approver2", name: "Jordan Approver", roles: ["requester"], groups: ["approvers"] },
  { key: "admin", name: "Ada Admin", roles: ["admin"], groups: ["platform"] },
  { key: "auditor", name: "Audrey Auditor", roles: ["auditor"], groups: ["security"] },
] as const satisfies readonly { key: string; name: string; roles: AppRole[]; groups: string[] }[];
export type PersonaKey = (typeof PERSONAS)[number]["key"];

/** The legacy fields tests still pass, or a whole version-2 document. */
export type SeedPolicy = Partial<LegacyPolicyFields> | PolicyDocument;

const seedDocument = (p: SeedPolicy | undefined): PolicyDocument =>
  p && "schemaVersion" in p ? p : documentFromLegacy(p);

export type SeededOrg = Awaited<ReturnType<typeof seedOrg>>;

/**
 * Creates (or finds) an org with demo personas, groups, the default policy, sandbox targets on the three
 * clouds, a Kubernetes cluster and an Okta org, and the starter templates. Idempotent by slug: running it twice changes nothing.
 */
export async function seedOrg(db: Db, opts: { slug: string; name: string; policy?: SeedPolicy }) {
  return db.transaction(async (tx) => {
    await tx.insert(organizations).values({ slug: opts.slug, name: opts.name }).onConflictDoNothing();
    const [org] = await tx.select().from(organizations).where(eq(organizations.slug, opts.slug));
    const orgId = org.id;

    const groupRoles: Record<string, AppRole | null> = {
      engineering: null,
      approvers: "approver",
      platform: "admin",
      security: "auditor",
    };
    for (const [name, role] of Object.entries(groupRoles)) {
      await tx.insert(groups).values({ orgId, name, role, source: "idp" }).onConflictDoNothing();
    }
    const groupRows = await tx.select().from(groups).where(eq(groups.orgId, orgId));
    const groupId = (name: string) => groupRows.find((g) => g.name === name)!.id;

    const people: Record<string, typeof users.$inferSelect> = {};
    for (const p of PERSONAS) {
      const email = `${p.key}@${opts.slug}.example`;
      await tx
        .insert(users)
        .values({
          orgId,
          email,
          name: p.name,
          subject: `demo|${opts.slug}|${p.key}`,
          localRoles: [...p.roles],
        })
        .onConflictDoNothing();
      const [u] = await tx
        .select()
        .from(users)
        .where(eq(users.subject, `demo|${opts.slug}|${p.key}`));
      people[p.key] = u;
      for (const g of p.groups) {
        await tx
          .insert(memberships)
          .values({ orgId, groupId: groupId(g), userId: u.id })
          .onConflictDoNothing();
      }
    }

    await tx
      .insert(policies)
      .values({ orgId, version: 1, document: seedDocument(opts.policy) })
      .onConflictDoNothing();

    const targetSeeds = [
      { name: "aws-sandbox-prod", cloud: "aws", externalId: "111122223333" },
      { name: "gcp-sandbox-prod", cloud: "gcp", externalId: "elevate-demo-prod" },
      { name: "azure-sandbox-prod", cloud: "azure", externalId: "00000000-0000-4000-8000-000000000001" },
      { name: "k8s-sandbox-prod", cloud: "kubernetes", externalId: "prod-eu" },
      { name: "okta-sandbox", cloud: "okta", externalId: "acme-demo.okta.com" },
    ] as const;
    for (const t of targetSeeds) {
      await tx
        .insert(targets)
        .values({ orgId, ...t, adapter: "sandbox" })
        .onConflictDoNothing();
    }
    for (const t of STARTER_TEMPLATES) {
      await tx
        .insert(taskTemplates)
        .values({ orgId, version: 1, ...t })
        .onConflictDoNothing();
    }
    const targetRows = await tx.select().from(targets).where(eq(targets.orgId, orgId));
    // In STARTER_TEMPLATES order (the first ones apply to every cloud), not the heap's.
    const order = (key: string) => STARTER_TEMPLATES.findIndex((t) => t.key === key);
    const templateRows = (await tx.select().from(taskTemplates).where(eq(taskTemplates.orgId, orgId))).sort(
      (a, b) => order(a.key) - order(b.key),
    );
    const byCloud = (c: string) => targetRows.find((t) => t.cloud === c)!;
    const byKey = (k: string) => templateRows.find((t) => t.key === k)!;

    return {
      org,
      users: people as Record<PersonaKey, typeof users.$inferSelect>,
      targets: {
        aws: byCloud("aws"),
        gcp: byCloud("gcp"),
        azure: byCloud("azure"),
        kubernetes: byCloud("kubernetes"),
        okta: byCloud("okta"),
      },
      templates: templateRows,
      template: byKey,
    };
  });
}
