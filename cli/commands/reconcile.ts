import type { Command } from "commander";
import { getDb } from "@/db/client";
import { CliError, run } from "../run";

export function registerReconcile(program: Command): void {
  program
    .command("reconcile")
    .description("compare grants with the clouds and repair drift (the server runs this continuously)")
    .option("--once", "run one pass and exit")
    .action((opts: { once?: boolean }) =>
      run(async () => {
        if (!opts.once)
          throw new CliError("only `reconcile --once` is supported here; the server runs it continuously");
        // Loaded on demand: it pulls in the cloud adapters, which other commands do not need.
        const { reconcileOnce } = await import("@/lib/grants");
        const counts = await reconcileOnce({ db: await getDb() });
        process.stdout.write(`${JSON.stringify(counts)}\n`);
        return 0;
      }),
    );
}
