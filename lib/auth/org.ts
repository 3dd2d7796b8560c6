import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";

/** The org new sign-ins land in, created bare if missing (an IdP deployment seeds nothing else). */
export async function ensureOrg(tx: Db, slug: string): Promise<string> {
  await tx.insert(organizations).values({ slug, name: slug }).onConflictDoNothing();
  const [org] = await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, slug));
  return org.id;
}
