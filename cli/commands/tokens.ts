import type { Command } from "commander";
import { getDb } from "@/db/client";
import { findUserByEmail } from "@/lib/auth/org";
import { createApiToken } from "@/lib/tokens";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { findOrg } from "../org";
import { CliError, run } from "../run";

type CreateOpts = { user: string; name: string; org?: string; expiresInDays?: string };

export function registerTokens(program: Command): void {
  const tokens = program.command("tokens").description("API tokens");
  tokens
    .command("create")
    .description("mint an API token that acts as a user; the token is printed once, on stdout")
    .requiredOption("--user <email>", "the user the token acts as")
    .option("--name <name>", "label shown in token lists", "cli")
    .option("--expires-in-days <days>", "lifetime in days (default 90, at most 365)")
    .option("--org <slug>", "organization (default: ELEVATE_ORG_SLUG)")
    .action((opts: CreateOpts) =>
      run(async () => {
        const db = await getDb();
        const org = await findOrg(db, opts.org);
        const email = opts.user.trim();
        const user = await findUserByEmail(db, org.id, email);
        if (!user) throw new CliError(`no user ${email} in organization ${org.slug}`);
        const expiresInDays = opts.expiresInDays === undefined ? undefined : Number(opts.expiresInDays);
        const made = await createApiToken({
          ctx: systemCtx(db, org.id, "cli"),
          input: { name: opts.name, userId: user.id, expiresInDays },
        });
        process.stderr.write(
          `created token ${made.prefix}… "${made.name}" for ${user.email}, expires ${made.expiresAt}. ` +
            "It is shown only now; store it safely.\n",
        );
        process.stdout.write(`${made.token}\n`);
        return 0;
      }),
    );
}
