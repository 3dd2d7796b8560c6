import { logger } from "@/lib/log";

/**
 * Each bench returns one JSON-safe object; `npm run bench` prints one line per bench on stdout. Benches
 * load lazily, so one that cannot start (a missing dev dependency) reports its error and the others run.
 */
const BENCHES: { name: string; run: () => Promise<object> }[] = [
  { name: "lifecycle", run: async () => (await import("./lifecycle")).lifecycleBench() },
  { name: "expiry-storm", run: async () => (await import("./expiry-storm")).run() },
  { name: "expiry-storm-server", run: async () => (await import("./expiry-storm-server")).run() },
  { name: "two-instances", run: async () => (await import("./two-instances")).run() },
  { name: "catalog-search", run: async () => (await import("./catalog-search")).run() },
  { name: "preview", run: async () => (await import("./preview")).run() },
  { name: "pages", run: async () => (await import("./pages")).run() },
  { name: "fuzz-concurrency", run: async () => (await import("./fuzz-concurrency")).run() },
  { name: "audit-append", run: async () => (await import("./audit-append")).run() },
  { name: "audit-verify", run: async () => (await import("./audit-verify")).run() },
  { name: "usage-ingest", run: async () => (await import("./usage-ingest")).run() },
  { name: "usage-reports", run: async () => (await import("./usage-reports")).run() },
  { name: "policy-eval", run: async () => (await import("./policy-eval")).run() },
  { name: "notify-fanout", run: async () => (await import("./notify-fanout")).run() },
  { name: "compliance-report", run: async () => (await import("./compliance-report")).run() },
];

async function main(): Promise<number> {
  // Logs share stdout with the results; the results themselves report failures (states, bindingsLeft).
  logger.level = "silent";
  let failed = 0;
  for (const b of BENCHES) {
    try {
      process.stdout.write(`${JSON.stringify(await b.run())}\n`);
    } catch (err) {
      failed += 1;
      process.stdout.write(
        `${JSON.stringify({ bench: b.name, error: err instanceof Error ? err.message : String(err) })}\n`,
      );
    }
  }
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code));
