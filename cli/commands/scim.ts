import type { Command } from "commander";
import { getDb } from "@/db/client";
import { mintScimToken } from "@/lib/scim/token";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { findOrg } from "../org";
import { run } from "../run";

export function registerScim(program: Command): void {
  const scim = program.command("scim").description("SCIM 2.0 provisioning from Okta, Entra ID or Google");
  scim
    .command("token")
    .description(
      "mint the organization's SCIM bearer token (printed once, on stdout); any earlier SCIM token stops working",
    )
    .option("--org <slug>", "organization (default: ELEVATE_ORG_SLUG)")
    .action((opts: { org?: string }) =>
      run(async () => {
        const db = await getDb();
        const org = await findOrg(db, opts.org);
        const made = await mintScimToken({ ctx: systemCtx(db, org.id, "cli") });
        process.stderr.write(
          `created SCIM token ${made.prefix}… for ${org.slug}` +
            (made.revokedPrevious ? ` (${made.revokedPrevious} earlier token revoked)` : "") +
            ". It is shown only now; paste it into the directory's provisioning settings. " +
            "Base URL: <your Elevate URL>/scim/v2\n",
        );
        process.stdout.write(`${made.token}\n`);
        return 0;
      }),
    );
}
