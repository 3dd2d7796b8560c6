import Link from "next/link";
import { forbidden } from "next/navigation";
import { ADMIN_SECTIONS } from "@/components/admin/admin-nav";
import { Card } from "@/components/ui/card";
import { requireSessionCtx } from "@/lib/auth/session";
import { hasPermission } from "@/lib/ctx";

export const metadata = { title: "Admin" };

const DESCRIPTIONS: Record<string, string> = {
  "/admin/grants": "Everything live across the org; revoke now with a reason.",
  "/admin/targets": "Cloud accounts, projects and subscriptions Elevate grants access to.",
  "/admin/templates": "Task templates with their permissions per cloud.",
  "/admin/policies": "The access policy: rules, pending changes (four-eyes) and simulation.",
  "/admin/users": "People and groups from the identity provider; local role assignment.",
  "/admin/tokens": "API tokens for the CLI and automation.",
  "/admin/health": "Database, workflow driver, reconciler and stuck grants.",
  "/audit": "Every change, hash-chained, with its verification status.",
};

export default async function AdminOverviewPage() {
  const ctx = await requireSessionCtx();
  const sections = ADMIN_SECTIONS.filter((s) => hasPermission(ctx, s.permission));
  if (!sections.some((s) => s.href.startsWith("/admin"))) forbidden();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Administration</h1>
      <ul className="grid gap-4 sm:grid-cols-2">
        {sections.map((s) => (
          <li key={s.href}>
            <Card className="h-full p-5">
              <h2 className="text-base font-semibold">
                <Link href={s.href} className="text-primary underline underline-offset-4 hover:no-underline">
                  {s.label}
                </Link>
              </h2>
              <p className="mt-1 text-sm text-muted-foreground">{DESCRIPTIONS[s.href]}</p>
            </Card>
          </li>
        ))}
      </ul>
    </div>
  );
}
