/**
 * `path` with the non-empty `params` as its query string: the filter-keeping links of list pages (the next
 * page, the first page) drop blank filters instead of carrying `?status=&target=` along.
 */
export function withQuery(path: string, params: Record<string, string | null | undefined>): string {
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1]));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}
