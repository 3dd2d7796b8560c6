import type { Command } from "commander";
import { getDbHandle } from "@/db/client";
import { seedOrg } from "@/db/seed/org";
import { env } from "@/lib/env";
import { run } from "../run";

/** Where the database lives, without credentials. */
function describeDb(kind: "pglite" | "postgres"): string {
  const e = env();
  if (kind === "pglite") return `pglite at ${e.ELEVATE_DATA_DIR}/pglite`;
  const url = new URL(e.DATABASE_URL ?? "postgres://unknown");
  return `postgres at ${url.host}${url.pathname}`;
}

export function registerDb(program: Command): void {
  const db = program.command("db").description("database maintenance");
  db.command("migrate")
    .description("apply pending migrations")
    .action(() =>
      run(async () => {
        // Opening the database applies migrations (under an advisory lock on Postgres).
        const handle = await getDbHandle();
        process.stdout.write(`migrations applied (${describeDb(handle.kind)})\n`);
        return 0;
      }),
    );

  program
    .command("seed")
    .description("create the demo organization, personas, targets and templates (idempotent)")
    .action(() =>
      run(async () => {
        const handle = await getDbHandle();
        const slug = env().ELEVATE_ORG_SLUG;
        const seeded = await seedOrg(handle.db, { slug, name: "Acme Corp" });
        const counts = {
          users: Object.keys(seeded.users).length,
          targets: Object.keys(seeded.targets).length,
          templates: seeded.templates.length,
        };
        process.stdout.write(
          `seeded org ${slug} (${describeDb(handle.kind)}): ${counts.users} users, ${counts.targets} targets, ${counts.templates} templates\n`,
        );
        return 0;
      }),
    );
}
