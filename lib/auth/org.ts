import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations, users } from "@/db/schema";

/** The org new sign-ins land in, created bare if missing (an IdP deployment seeds nothing else). */
export async function ensureOrg(tx: Db, slug: string): Promise<string> {
  await tx.insert(organizations).values({ slug, name: slug }).onConflictDoNothing();
  const [org] = await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, slug));
  return org.id;
}

/** An organization by slug or by id, or null. */
export async function findOrganization(db: Db, by: { slug: string } | { id: string }) {
  const [org] = await db
    .select()
    .from(organizations)
    .where("slug" in by ? eq(organizations.slug, by.slug) : eq(organizations.id, by.id));
  return org ?? null;
}

/** A user of one org by e-mail, compared case-insensitively, or null. */
export async function findUserByEmail(db: Db, orgId: string, email: string) {
  const [user] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(sql`lower(${users.email})`, email.trim().toLowerCase())));
  return user ?? null;
}
