import type { Cloud } from "@/db/schema";
import { LimitExceeded, Validation } from "@/lib/errors";
import { globComplexityError, globMatch, isGlob } from "@/lib/iam/glob";
import { type Catalog, normalise } from "./catalog";
import { editDistance } from "./distance";
import { isElevateManagement } from "./elevate-management";
import type { CatalogEntry } from "./types";

/** A wildcard that matches more than this is almost certainly a mistake, and would be unreadable to approve. */
export const MAX_EXPANSION = 500;

export const isPattern = isGlob;

/** The fixed service part of a pattern, when there is one: it narrows the scan to that service. */
function fixedService(cloud: Cloud, pattern: string): string | null {
  const sep = cloud === "aws" ? ":" : cloud === "gcp" ? "." : "/";
  const head = pattern.split(sep)[0] ?? "";
  return head && !isPattern(head) && pattern.includes(sep) ? head : null;
}

export type Expansion = {
  /** Expanded, de-duplicated, sorted catalog names (the catalog's spelling). */
  permissions: string[];
  /** Pattern → what it expanded to, to show requesters and approvers. */
  expanded: { pattern: string; matches: string[] }[];
  /** Elevate-management permissions a wildcard matched and that were left out. */
  excluded: string[];
};

/**
 * Expands wildcards and checks every name against the catalog. Unknown names and empty patterns are
 * rejected with close suggestions; Elevate's own management permissions are never returned.
 */
export function expandPermissions(catalog: Catalog, cloud: Cloud, requested: string[]): Expansion {
  const out = new Map<string, string>();
  const expanded: Expansion["expanded"] = [];
  const excluded = new Set<string>();
  const unknown: string[] = [];
  for (const raw of requested) {
    const p = raw.trim();
    if (!isPattern(p)) {
      const e = catalog.get(cloud, p);
      if (!e) unknown.push(p);
      else if (isElevateManagement(cloud, e.name))
        throw Validation("permissions", `"${e.name}" manages Elevate itself and can never be requested`);
      else out.set(normalise(cloud, e.name), e.name);
      continue;
    }
    const tooComplex = globComplexityError(p);
    if (tooComplex) throw Validation("permissions", `"${p.slice(0, 40)}…": ${tooComplex}`);
    const service = fixedService(cloud, p);
    const pool = service ? catalog.ofService(cloud, service) : catalog.ofCloud(cloud);
    const matches: string[] = [];
    for (const e of pool) {
      if (!globMatch(p, e.name, { ignoreCase: true })) continue;
      if (isElevateManagement(cloud, e.name)) excluded.add(e.name);
      else matches.push(e.name);
    }
    if (matches.length === 0) {
      throw Validation("permissions", `"${p}" matches no ${cloud} permission in the catalog`);
    }
    if (matches.length > MAX_EXPANSION) {
      throw LimitExceeded(
        `"${p}" expands to ${matches.length} permissions (at most ${MAX_EXPANSION}); narrow it`,
        "permissions",
      );
    }
    matches.sort();
    expanded.push({ pattern: p, matches });
    for (const m of matches) out.set(normalise(cloud, m), m);
  }
  if (unknown.length) {
    const detail = unknown
      .slice(0, 5)
      .map((u) => {
        const s = suggest(catalog, cloud, u);
        return s.length ? `"${u}" (did you mean ${s.map((x) => `"${x}"`).join(", ")}?)` : `"${u}"`;
      })
      .join("; ");
    throw Validation("permissions", `unknown ${cloud} permission${unknown.length > 1 ? "s" : ""}: ${detail}`);
  }
  return { permissions: [...out.values()].sort(), expanded, excluded: [...excluded].sort() };
}

/** Up to three catalog names close to `name`: same service first, then the whole cloud. */
export function suggest(catalog: Catalog, cloud: Cloud, name: string, limit = 3): string[] {
  const target = name.toLowerCase();
  const max = Math.max(2, Math.floor(target.length / 4));
  const service = fixedService(cloud, name);
  const scan = (pool: readonly CatalogEntry[]) =>
    pool
      .map((e) => ({ name: e.name, d: editDistance(target, e.name.toLowerCase(), max) }))
      .filter((x) => x.d <= max)
      .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
      .slice(0, limit)
      .map((x) => x.name);
  const local = service ? scan(catalog.ofService(cloud, service)) : [];
  return local.length ? local : scan(catalog.ofCloud(cloud));
}
