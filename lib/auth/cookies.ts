import { type Env, isLoopbackUrl } from "@/lib/env";

type CookieEnv = Pick<Env, "NODE_ENV" | "NEXTAUTH_URL">;

/**
 * Cookies are Secure (and `__Secure-` prefixed, as next-auth does) over https, and always in production,
 * which start-up allows over https only. The exception is plain http on loopback, where browsers refuse
 * `__Secure-` cookies and no network carries them (local `next start`, the e2e run).
 */
export function secureCookies(e: CookieEnv): boolean {
  if (e.NEXTAUTH_URL?.startsWith("https://")) return true;
  return e.NODE_ENV === "production" && !isLoopbackUrl(e.NEXTAUTH_URL);
}

/** The cookie next-auth reads for a database session; the demo sign-in sets the same one. */
export function sessionCookieName(e: CookieEnv): string {
  return `${secureCookies(e) ? "__Secure-" : ""}next-auth.session-token`;
}

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
