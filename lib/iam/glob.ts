/**
 * Glob matching for permission and resource patterns, in time O(pattern × text) whatever the pattern:
 * never a regular expression built from input (a backtracking `*?*?…` pattern once froze the server).
 * `*` matches any run of characters (including none), `?` exactly one; everything else is literal.
 */

/** Longest pattern accepted anywhere a user or document can supply one. */
export const MAX_PATTERN_LENGTH = 256;
/** At most this many `*` in one pattern: more makes it unreadable to an approver, not more useful. */
export const MAX_PATTERN_STARS = 10;

export const isGlob = (p: string) => p.includes("*") || p.includes("?");

/** Why a pattern is refused, or null when it is within bounds. Callers turn this into a Validation. */
export function globComplexityError(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `a pattern is at most ${MAX_PATTERN_LENGTH} characters`;
  let stars = 0;
  for (const c of pattern) if (c === "*") stars++;
  if (stars > MAX_PATTERN_STARS) return `a pattern has at most ${MAX_PATTERN_STARS} "*" wildcards`;
  return null;
}

/**
 * Does `text` match `pattern`? Greedy matching with one resume point: on a mismatch after a `*`, the
 * star takes one more character and matching resumes there. Each character of the text is revisited at
 * most once per star position, so the cost is bounded by pattern length × text length.
 */
export function globMatch(pattern: string, text: string, opts: { ignoreCase?: boolean } = {}): boolean {
  if (!isGlob(pattern)) {
    if (pattern.length !== text.length) return false;
    return opts.ignoreCase ? pattern.toLowerCase() === text.toLowerCase() : pattern === text;
  }
  const p = opts.ignoreCase ? pattern.toLowerCase() : pattern;
  const t = opts.ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let star = -1; // index in p of the last `*` seen
  let resume = 0; // index in t where that star's match currently ends
  while (ti < t.length) {
    const pc = p[pi];
    if (pc === "*") {
      star = pi++;
      resume = ti;
    } else if (pi < p.length && (pc === "?" || pc === t[ti])) {
      pi++;
      ti++;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === "*") pi++;
  return pi === p.length;
}
