import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** One import of a source file: what it names, whether only types, and the file it resolves to (if local). */
export type Import = { specifier: string; typeOnly: boolean; resolved: string | null };

const SOURCE = /\.(ts|tsx|mts)$/;
const SKIP = new Set(["node_modules", ".next", ".data", "test-results", ".git"]);
// Static imports and re-exports (with their `type` keyword), and dynamic import() calls.
const STATIC = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+["']([^"']+)["']/gm;
const BARE = /^\s*import\s+["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Every TypeScript source file under `dir`, relative to `root`. */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(path.join(root, d))) {
      if (SKIP.has(name)) continue;
      const rel = path.join(d, name);
      if (statSync(path.join(root, rel)).isDirectory()) walk(rel);
      else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(rel);
    }
  };
  if (existsSync(path.join(root, dir))) walk(dir);
  return out;
}

function resolveLocal(root: string, from: string, spec: string): string | null {
  const base = spec.startsWith("@/")
    ? path.join(root, spec.slice(2))
    : spec.startsWith(".")
      ? path.resolve(path.dirname(path.join(root, from)), spec)
      : null;
  if (!base) return null;
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, "index.ts"),
    path.join(base, "index.tsx"),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return path.relative(root, candidate);
  }
  return null;
}

/** The imports of one file, read from its text (type-only when `import type`/`export type`). */
export function importsOf(root: string, file: string): Import[] {
  const text = readFileSync(path.join(root, file), "utf8");
  const out: Import[] = [];
  for (const m of text.matchAll(STATIC)) {
    const clause = m[3] ?? "";
    // `import { type A, type B } from` is type-only too.
    const inlineTypes =
      /^\{[^}]*\}$/.test(clause.trim()) &&
      clause
        .replace(/[{}\s]/g, "")
        .split(",")
        .every((x) => !x || x.startsWith("type"));
    out.push({
      specifier: m[4],
      typeOnly: Boolean(m[2]) || inlineTypes,
      resolved: resolveLocal(root, file, m[4]),
    });
  }
  for (const m of text.matchAll(BARE))
    out.push({ specifier: m[1], typeOnly: false, resolved: resolveLocal(root, file, m[1]) });
  for (const m of text.matchAll(DYNAMIC))
    out.push({ specifier: m[1], typeOnly: false, resolved: resolveLocal(root, file, m[1]) });
  return out;
}

/** Strongly connected components of more than one file (or a file importing itself): import cycles. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}
