import type { Db } from "@/db/client";
import { findOrganization } from "@/lib/auth/org";
import { env } from "@/lib/env";
import { CliError } from "./run";

export async function findOrg(db: Db, slug: string = env().ELEVATE_ORG_SLUG) {
  const org = await findOrganization(db, { slug });
  if (!org) throw new CliError(`no organization with slug "${slug}" (run \`elevate seed\` first?)`);
  return org;
}
