/**
 * Text a database cannot store: Postgres text refuses NUL, and a lone UTF-16 surrogate has no UTF-8 form
 * (jsonb refuses it). Inputs are checked at the edge (parseInput) so no field can reach a query with one.
 */
export type IllFormedText = { path: string; problem: string };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What makes `text` unstorable ("a NUL character"), or undefined when it is well formed. */
export function illFormedIn(text: string): string | undefined {
  if (text.includes("\u0000")) return "a NUL character";
  if (LONE_SURROGATE.test(text)) return "an unpaired surrogate (not valid Unicode)";
  return undefined;
}

type Node = { value: unknown; key: string | null; parent: Node | null };

// Built only when reporting: copying paths while walking would be quadratic in the nesting depth.
function pathOf(node: Node): string {
  const keys: string[] = [];
  for (let n: Node | null = node; n?.key != null; n = n.parent) keys.push(n.key);
  return keys.reverse().join(".") || "input";
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The first ill-formed string in `input` (a string, or plain objects and arrays of them, keys included),
 * with its dotted path as zod names fields ("permissions.1"); undefined when all text is well formed.
 * Iterative, so a deeply nested JSON body cannot overflow the stack.
 */
export function findIllFormedText(input: unknown): IllFormedText | undefined {
  const stack: Node[] = [{ value: input, key: null, parent: null }];
  const seen = new Set<object>();
  for (let node = stack.pop(); node; node = stack.pop()) {
    const { value } = node;
    if (typeof value === "string") {
      const what = illFormedIn(value);
      if (what) return { path: pathOf(node), problem: `must not contain ${what}` };
      continue;
    }
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [String(i), v])
      : isPlainObject(value)
        ? Object.entries(value)
        : [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      const what = illFormedIn(key);
      if (what) return { path: pathOf(node), problem: `has a field name containing ${what}` };
      stack.push({ value: child, key, parent: node });
    }
  }
  return undefined;
}
