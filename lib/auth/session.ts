import "server-only";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { type Ctx, hasPermission } from "@/lib/ctx";
import { env } from "@/lib/env";
import { getDbOrUnavailable } from "@/lib/http/unavailable";
import { getWorkflowDriver } from "@/lib/workflows";
import { loadSessionActor } from "./actor";
import { sessionCookieName } from "./cookies";
import type { Permission } from "./permissions";

/**
 * The signed-in person as a Ctx, or null. Reads next-auth's database-session cookie and resolves it with
 * one query (session valid, user enabled, roles and groups), instead of running next-auth's session
 * endpoint on every page: next-auth still owns sign-in, sign-out and the cookie. Roles and groups are
 * re-read on every request (once per request thanks to cache()), so authorization changes and disabling
 * apply at once.
 */
export const getSessionCtx = cache(async (): Promise<Ctx | null> => {
  const token = (await cookies()).get(sessionCookieName(env()))?.value;
  if (!token) return null;
  const db = await getDbOrUnavailable();
  const loaded = await loadSessionActor(db, token);
  if (!loaded) return null;
  return { actor: loaded.actor, orgId: loaded.orgId, db, workflows: await getWorkflowDriver() };
});

/**
 * For pages: signed out → /signin; signed in without `permission` → the 403 page (app/forbidden.tsx,
 * which needs experimental.authInterrupts; without it forbidden() still throws, so access stays denied).
 */
export async function requireSessionCtx(permission?: Permission): Promise<Ctx> {
  const ctx = await getSessionCtx();
  if (!ctx) redirect("/signin");
  if (permission && !hasPermission(ctx, permission)) forbidden();
  return ctx;
}
