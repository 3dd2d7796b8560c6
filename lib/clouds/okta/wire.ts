import type { Client } from "@okta/okta-sdk-nodejs";
import { CloudError } from "@/lib/clouds/port";
import { isOktaNotFound } from "./errors";

/** One custom-role assignment of a user, as the SDK hands it back (a oneOf of standard and custom roles). */
export type Assignment = { id: string; type: string; role?: string; resourceSet?: string };

/** Reads the fields of an assignment whichever model class the SDK picked. */
function asAssignment(raw: unknown): Assignment {
  const r = raw as Record<string, unknown>;
  const rs = r.resource_set ?? r["resource-set"] ?? r.resourceSet;
  return {
    id: String(r.id ?? ""),
    type: String(r.type ?? ""),
    role: typeof r.role === "string" ? r.role : undefined,
    resourceSet: typeof rs === "string" ? rs : undefined,
  };
}

/** Every role assignment of a user, all pages (`Link: rel="next"`, followed by the SDK's Collection). */
export async function userAssignments(client: Client, userId: string): Promise<Assignment[]> {
  const out: Assignment[] = [];
  const all = await client.roleAssignmentApi.listAssignedRolesForUser({ userId });
  for await (const item of all) if (item) out.push(asAssignment(item));
  return out;
}

/** Null when the object is gone (E0000007), the rest of the failures as they are. */
export async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (isOktaNotFound(e)) return null;
    throw e;
  }
}

/** Every page of a list answered with `_links.next.href` (the IAM lists), by its `after` cursor. */
export async function allPages<T>(
  fetchPage: (after: string | undefined) => Promise<{ items: T[]; next?: string }>,
): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const p = await fetchPage(after);
    out.push(...p.items);
    const next = p.next ? new URL(p.next).searchParams.get("after") : null;
    if (!next) return out;
    after = next;
  }
  throw new CloudError("permanent", "okta: a list did not end after 10,000 pages");
}

export const nextHref = (links: unknown) =>
  (links as { next?: { href?: string } } | undefined)?.next?.href ?? undefined;
