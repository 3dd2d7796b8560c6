/** Claims from the IdP: the ID token's, merged with the userinfo response. */
export type OidcClaims = Record<string, unknown>;

/** What our OIDC provider's `profile()` hands next-auth; `createUser` receives it (minus `id`). */
export type ElevateProfile = {
  id: string;
  name: string | null;
  email: string;
  image: string | null;
  /** Stable identity across email and name changes: `issuer|sub`. */
  subject: string;
  groups: string[];
};

const MAX_GROUPS = 500;
const MAX_GROUP_NAME = 200;

export function subjectFor(issuer: string, sub: string): string {
  return `${issuer}|${sub}`;
}

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);

/** The groups claim as a clean list: an array of names or a single name; anything else counts as none. */
export function groupsFromClaims(claims: OidcClaims, claimName: string): string[] {
  const raw = claims[claimName];
  const list = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
  const names = new Set<string>();
  for (const item of list) {
    const name = str(item);
    if (name && name.length <= MAX_GROUP_NAME) names.add(name);
    if (names.size >= MAX_GROUPS) break;
  }
  return [...names].sort();
}

/**
 * Maps the IdP's claims to our user. The issuer comes from the (validated) ID token when present. Throws
 * without `sub` or `email`: next-auth then sends the person back to the sign-in page.
 */
export function profileFromClaims(
  claims: OidcClaims,
  opts: { issuer: string; groupsClaim: string },
): ElevateProfile {
  const sub = str(claims.sub);
  const email = str(claims.email)?.toLowerCase();
  if (!sub) throw new Error("The identity provider returned no sub claim");
  if (!email) throw new Error("The identity provider returned no email claim");
  const issuer = str(claims.iss) ?? opts.issuer;
  return {
    id: sub,
    name: str(claims.name) ?? str(claims.preferred_username),
    email,
    image: str(claims.picture),
    subject: subjectFor(issuer, sub),
    groups: groupsFromClaims(claims, opts.groupsClaim),
  };
}
