import type { Env } from "@/lib/env";

/** next-auth marks its cookies Secure (and `__Secure-` prefixed) when the site is served over https. */
export function secureCookies(e: Env): boolean {
  return e.NEXTAUTH_URL?.startsWith("https://") ?? false;
}

/** The cookie next-auth reads for a database session; the demo sign-in sets the same one. */
export function sessionCookieName(e: Env): string {
  return `${secureCookies(e) ? "__Secure-" : ""}next-auth.session-token`;
}

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
