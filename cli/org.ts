import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import { env } from "@/lib/env";
import { CliError } from "./run";

export async function findOrg(db: Db, slug: string = env().ELEVATE_ORG_SLUG) {
  const [org] = await db.select().from(organizations).where(eq(organizations.slug, slug));
  if (!org) throw new CliError(`no organization with slug "${slug}" (run \`elevate seed\` first?)`);
  return org;
}
