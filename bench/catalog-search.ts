// Catalog search benchmark: the base catalog every install has (AWS from iam-data, GCP and Azure in full
// from the bundled iam-dataset catalog). Run alone with `npx tsx bench/catalog-search.ts`; bench/index.ts
// calls run().
import path from "node:path";
import { pathToFileURL } from "node:url";
import { STARTER_TEMPLATES } from "@/db/seed/templates";
import { loadBaseCatalog, permissionIndex, SearchIndex } from "@/lib/catalog";
import { templateDoc } from "@/lib/catalog/search-catalog";

const QUERIES = [
  "ssh",
  "restart vm",
  "read bucket",
  "reboot instanse",
  "kubernetes cluster update",
  "secret",
  "deploy function",
  "logs",
  "passrole",
  "write object",
  "list",
  "Microsoft.Compute",
];
const ITERATIONS = 50;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (n: number) => Math.round(n * 1000) / 1000;

export async function run(): Promise<object> {
  const t0 = performance.now();
  const catalog = await loadBaseCatalog();
  const t1 = performance.now();
  const index = permissionIndex(catalog);
  const templates = new SearchIndex(STARTER_TEMPLATES.map((t) => templateDoc({ ...t, version: 1 })));
  const t2 = performance.now();

  const perQuery: Record<string, { p50: number; p95: number; max: number; hits: number }> = {};
  const all: number[] = [];
  for (const q of QUERIES) {
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const s = performance.now();
      hits = index.search(q, {}, 25).length + templates.search(q, {}, 25).length;
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    perQuery[q] = {
      p50: round(pct(times, 50)),
      p95: round(pct(times, 95)),
      max: round(times[times.length - 1]),
      hits,
    };
  }
  all.sort((a, b) => a - b);
  const counts = {
    aws: catalog.ofCloud("aws").length,
    gcp: catalog.ofCloud("gcp").length,
    azure: catalog.ofCloud("azure").length,
  };
  return {
    benchmark: "catalog-search",
    entries: counts,
    loadMs: round(t1 - t0),
    indexBuildMs: round(t2 - t1),
    iterationsPerQuery: ITERATIONS,
    overall: { p50: round(pct(all, 50)), p95: round(pct(all, 95)), max: round(all[all.length - 1]) },
    perQuery,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
