import path from "node:path";
import { fileURLToPath } from "node:url";
import { importsOf, sourceFiles } from "../lib/architecture/imports";

/**
 * Prints the test files whose imports (values, not types; static or dynamic; followed through the
 * repository) can reach a database driver: db/client.ts, drizzle's drivers, postgres.js or PGlite. Only
 * these can behave differently on PGlite than on PostgreSQL, so CI's second pass (PGlite) runs them and
 * not the pure tests, which the first pass already ran on identical code. Over-inclusion is harmless;
 * a file is left out only when no import path leads from it to a driver.
 */
const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const DRIVER = [/^@electric-sql\/pglite/, /^postgres$/, /^drizzle-orm\/(pglite|postgres-js)/];
const DIRS = ["app", "components", "lib", "db", "inngest", "cli", "bench"];

const edges = new Map<string, { driver: boolean; next: string[] }>();
function node(file: string) {
  let n = edges.get(file);
  if (!n) {
    const values = importsOf(ROOT, file).filter((i) => !i.typeOnly);
    n = {
      driver: file === "db/client.ts" || values.some((i) => DRIVER.some((re) => re.test(i.specifier))),
      next: values.flatMap((i) => (i.resolved ? [i.resolved] : [])),
    };
    edges.set(file, n);
  }
  return n;
}

function reaches(start: string): boolean {
  const seen = new Set([start]);
  const queue = [start];
  for (let f = queue.pop(); f !== undefined; f = queue.pop()) {
    const n = node(f);
    if (n.driver) return true;
    for (const g of n.next) {
      if (seen.has(g)) continue;
      seen.add(g);
      queue.push(g);
    }
  }
  return false;
}

// `*.postgres.test.ts` need a Postgres server; vitest leaves them out without DATABASE_URL.
const tests = DIRS.flatMap((d) => sourceFiles(ROOT, d)).filter(
  (f) => /\.test\.tsx?$/.test(f) && !f.endsWith(".postgres.test.ts"),
);
const db = tests.filter(reaches);
process.stdout.write(`${db.join("\n")}\n`);
process.stderr.write(`${db.length} of ${tests.length} test files can reach a database driver\n`);
