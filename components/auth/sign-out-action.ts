"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { secureCookies, sessionCookieName } from "@/lib/auth/cookies";
import { endSession } from "@/lib/auth/sign-out";
import { env } from "@/lib/env";

/**
 * Ends the current database session (audited by the adapter) and clears the cookie. A server action, so
 * Next refuses cross-origin posts; works for demo and OIDC sessions alike.
 */
export async function signOutAction(): Promise<void> {
  const e = env();
  const name = sessionCookieName(e);
  const jar = await cookies();
  const token = jar.get(name)?.value;
  if (token) await endSession(token);
  jar.set(name, "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: secureCookies(e) });
  redirect("/signin");
}
