import { availableParallelism, loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { logger } from "@/lib/log";

/** Nearest-rank percentile of a list of numbers (ms); 0 for an empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Math.round(sorted[rank - 1] * 10) / 10;
}

export function summary(values: number[], ps: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of ps) out[`p${p}`] = percentile(values, p);
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The host's CPUs and load averages (1, 5, 15 min): figures from a busy machine must say so. */
export const host = () => ({
  cpus: availableParallelism(),
  loadavg: loadavg().map((v) => Math.round(v * 100) / 100),
});

/**
 * A bench file run directly (`npx tsx bench/x.ts`): run it quietly, print its result as indented JSON and
 * exit 1 when it threw or reported an `error`.
 */
export function runIfMain(moduleUrl: string, run: () => Promise<object>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? "").href) return;
  logger.level = "silent";
  run().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exit("error" in result ? 1 : 0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
