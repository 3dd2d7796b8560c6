import { stat } from "node:fs/promises";
import type { Command } from "commander";
import { getDbHandle } from "@/db/client";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { findOrg } from "../org";
import { CliError, run } from "../run";

export function registerUsage(program: Command): void {
  const usage = program.command("usage").description("observed usage from the clouds' audit logs");
  usage
    .command("import")
    .description(
      "import CloudTrail, Cloud Audit Logs or Activity Log files (plain or gzip, a file or a directory); " +
        "the last line is a JSON summary",
    )
    .argument("<path>", "a log file or a directory of them")
    .option("--target <id or name>", "attribute every event to this target instead of matching its account")
    .option("--org <slug>", "the organization (default: ELEVATE_ORG_SLUG)")
    .action((p: string, opts: { target?: string; org?: string }) =>
      run(async () => {
        await stat(p).catch(() => {
          throw new CliError(`no such file or directory: ${p}`);
        });
        // Loaded on demand: the catalog and the parsers are not needed by other commands.
        const { importUsage, filesOf } = await import("@/lib/usage");
        const { db, kind } = await getDbHandle();
        const org = await findOrg(db, opts.org);
        const summary = await importUsage({
          ctx: systemCtx(db, org.id, "cli:usage-import"),
          input: { source: "cli", name: p, target: opts.target ?? null },
          inputs: filesOf(p),
          // The embedded PGlite holds this thread while it inserts: mapping goes to a worker thread beside
          // it. A Postgres server inserts in its own process, which needs the other core (docs/usage.md).
          parallel: kind === "pglite",
        });
        const {
          importId,
          records,
          parsed,
          mapped,
          attributed,
          unmappable,
          duplicates,
          malformed,
          seconds,
          reasons,
        } = summary;
        process.stderr.write(`import ${importId}\n`);
        process.stdout.write(
          `${JSON.stringify({ records, parsed, mapped, attributed, unmappable, duplicates, malformed, seconds, reasons })}\n`,
        );
        return 0;
      }),
    );
}
