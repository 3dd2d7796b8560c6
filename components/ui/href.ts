/**
 * `path` with the non-empty `params` as its query string: the filter-keeping links of list pages (the next
 * page, the first page) drop blank filters instead of carrying `?status=&target=` along.
 */
export function withQuery(path: string, params: Record<string, string | null | undefined>): string {
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1]));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * `url` as an href only when it is an absolute http(s) link, else undefined (render it as text). Parsed
 * as a browser would, so "java\tscript:" or " javascript:" cannot slip past a prefix check.
 */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
