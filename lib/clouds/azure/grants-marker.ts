/**
 * The grants an Azure assignment serves, kept in its description (direct mode) or the schedule request's
 * justification (PIM): `Managed by Elevate; elevate:grants=<grantId>@<ISO expiry>,…`. Azure holds one
 * assignment per principal, role and scope, so overlapping grants share it and each keeps its own entry.
 */
export type GrantEntries = Map<string, string>;

const PREFIX = "Managed by Elevate; elevate:grants=";
const ENTRY = /^([A-Za-z0-9][A-Za-z0-9-]{0,63})@(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)$/;

export function parseGrants(text: string | undefined | null): GrantEntries | null {
  if (!text?.startsWith(PREFIX)) return null;
  const entries: GrantEntries = new Map();
  for (const part of text.slice(PREFIX.length).split(",")) {
    const m = ENTRY.exec(part);
    if (m) entries.set(m[1], m[2]);
  }
  return entries;
}

export function formatGrants(entries: GrantEntries): string {
  const parts = [...entries].sort(([a], [b]) => a.localeCompare(b)).map(([id, at]) => `${id}@${at}`);
  return `${PREFIX}${parts.join(",")}`;
}

/** The latest expiry among the grants: the shared assignment must last that long. */
export function latestExpiry(entries: GrantEntries): Date {
  return new Date(Math.max(...[...entries.values()].map((v) => Date.parse(v))));
}

export function sameGrants(a: GrantEntries | null, b: GrantEntries): boolean {
  return a !== null && formatGrants(a) === formatGrants(b);
}
