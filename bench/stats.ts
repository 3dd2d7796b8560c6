import { availableParallelism, loadavg } from "node:os";

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
