import "server-only";
import { forbidden, redirect } from "next/navigation";
import { getServerSession } from "next-auth/next";
import { cache } from "react";
import { getDb } from "@/db/client";
import { type Ctx, hasPermission } from "@/lib/ctx";
import { getWorkflowDriver } from "@/lib/workflows";
import { loadUserActor } from "./actor";
import { authOptions } from "./options";
import type { Permission } from "./permissions";

/**
 * The signed-in person as a Ctx, or null. Roles and groups are re-read on every request (once per
 * request thanks to cache()), so authorization changes and disabling apply at once.
 */
export const getSessionCtx = cache(async (): Promise<Ctx | null> => {
  const session = await getServerSession(authOptions());
  const userId = session?.user?.id;
  if (!userId) return null;
  const db = await getDb();
  const loaded = await loadUserActor(db, userId);
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
