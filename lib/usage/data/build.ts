// Regenerates lib/usage/data/iam-dataset/gcp-method-map.json.gz from iann0036/iam-dataset's gcp/map.json (MIT):
//   ELEVATE_DATASETS_DIR=<folder holding iam-dataset/> npx tsx lib/usage/data/build.ts
// Output is deterministic: same input, same bytes.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { datasetsDir } from "@/lib/env";

export const METHOD_MAP_FILE = path.join("lib", "usage", "data", "iam-dataset", "gcp-method-map.json.gz");

type Upstream = { api: Record<string, { methods: Record<string, { permissions?: { name: string }[] }> }> };

/** What the product ships: REST method id → permissions, and a short key for gRPC-style method names. */
export type GcpMethodMap = {
  format: 1;
  source: { repository: string; file: string };
  /** `pubsub.projects.topics.create` → "pubsub.topics.create": the permission the method is named after. */
  methods: Record<string, string>;
  /** `pubsub|topics.create` → "pubsub.topics.create", kept only where every method of that name agrees. */
  short: Record<string, string>;
};

const VERB_ALIASES: Record<string, string> = { insert: "create", patch: "update", aggregatedList: "list" };

/**
 * Upstream lists every permission a method may check (compute.instances.insert: eleven, most conditional).
 * Usage needs the one it is named after: same resource and verb, else the only one with that verb, else the
 * only one listed; otherwise none (the method stays unmapped rather than guessed).
 */
export function primaryPermission(method: string, perms: string[]): string | null {
  const parts = method.split(".");
  const verb = VERB_ALIASES[parts.at(-1) ?? ""] ?? parts.at(-1);
  const resource = parts.at(-2);
  const exact = perms.filter((p) => p.split(".").at(-1) === verb && p.split(".").at(-2) === resource);
  if (exact.length === 1) return exact[0];
  const sameVerb = perms.filter((p) => p.split(".").at(-1) === verb);
  if (sameVerb.length === 1) return sameVerb[0];
  return perms.length === 1 ? perms[0] : null;
}

export function deriveMethodMap(upstream: Upstream): GcpMethodMap {
  const methods: Record<string, string> = {};
  const short = new Map<string, string | null>();
  for (const api of Object.keys(upstream.api).sort()) {
    for (const [method, m] of Object.entries(upstream.api[api].methods ?? {})) {
      const perms = [...new Set((m.permissions ?? []).map((p) => p.name))].sort();
      const primary = primaryPermission(method, perms);
      if (!primary) continue;
      methods[method] = primary;
      const parts = method.split(".");
      if (parts.length < 3) continue;
      const key = `${parts[0]}|${parts.slice(-2).join(".")}`;
      const prev = short.get(key);
      if (prev === undefined) short.set(key, primary);
      else if (prev !== primary) short.set(key, null);
    }
  }
  const sorted = Object.fromEntries(Object.entries(methods).sort(([a], [b]) => (a < b ? -1 : 1)));
  const shortOut = Object.fromEntries(
    [...short.entries()]
      .filter((e): e is [string, string] => e[1] !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    format: 1,
    source: { repository: "https://github.com/iann0036/iam-dataset", file: "gcp/map.json" },
    methods: sorted,
    short: shortOut,
  };
}

async function main(): Promise<void> {
  const upstream = JSON.parse(
    readFileSync(path.join(datasetsDir(), "iam-dataset", "gcp", "map.json"), "utf8"),
  );
  const out = deriveMethodMap(upstream);
  writeFileSync(METHOD_MAP_FILE, gzipSync(`${JSON.stringify(out)}\n`, { level: 9 }));
  process.stdout.write(
    `${METHOD_MAP_FILE}: ${Object.keys(out.methods).length} methods, ${Object.keys(out.short).length} short keys\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
