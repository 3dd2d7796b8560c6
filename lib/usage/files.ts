import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { UsageInput } from "./import";

/** In a directory, only files named like logs are read (READMEs and licences beside them are not). */
const LOG_FILE = /\.(json|jsonl|ndjson|log|gz)$/i;

/**
 * A file (read whatever its name), or the log files under a directory (recursively, in name order), as
 * import inputs: paths, opened when the import reads them.
 */
export async function* filesOf(p: string, top = true): AsyncGenerator<UsageInput> {
  const s = await stat(p);
  if (s.isFile()) {
    if (!top && !LOG_FILE.test(p)) return;
    yield { name: p, path: p };
    return;
  }
  if (!s.isDirectory()) return;
  const entries = (await readdir(p)).sort();
  for (const e of entries) {
    if (e.startsWith(".")) continue;
    yield* filesOf(path.join(p, e), false);
  }
}
