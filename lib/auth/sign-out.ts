import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { elevateAdapter } from "./adapter";

/** Ends the database session a cookie names (audited by the adapter); unknown tokens change nothing. */
export async function endSession(token: string): Promise<void> {
  const e = env();
  await elevateAdapter({ db: getDb, orgSlug: () => e.ELEVATE_ORG_SLUG }).deleteSession(token);
}
