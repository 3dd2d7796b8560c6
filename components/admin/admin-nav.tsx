import Link from "next/link";
import { NavLink } from "@/components/ui/nav-link";

export const ADMIN_SECTIONS = [
  { href: "/admin/grants", label: "Active grants", permission: "grants.revoke" },
  { href: "/admin/targets", label: "Targets", permission: "targets.manage" },
  { href: "/admin/templates", label: "Templates", permission: "templates.edit" },
  { href: "/admin/catalog", label: "Catalog", permission: "templates.edit" },
  { href: "/admin/policies", label: "Policy", permission: "policies.edit" },
  { href: "/admin/usage", label: "Usage import", permission: "targets.manage" },
  { href: "/admin/users", label: "Users & groups", permission: "users.manage" },
  { href: "/admin/tokens", label: "API tokens", permission: "tokens.manage" },
  { href: "/admin/health", label: "Health", permission: "system.health" },
  { href: "/audit", label: "Audit log", permission: "audit.read" },
] as const;

/** Section links for the admin area; each page still checks its own permission. */
export function AdminNav() {
  return (
    <nav aria-label="Admin sections" className="mb-6 border-b border-border pb-3">
      <ul className="flex flex-wrap items-center gap-1 text-sm">
        <li>
          <Link
            href="/admin"
            className="rounded-md px-2 py-1.5 font-medium text-muted-foreground hover:bg-muted hover:text-foreground"
          >
            Overview
          </Link>
        </li>
        {ADMIN_SECTIONS.map((s) => (
          <li key={s.href}>
            <NavLink href={s.href}>{s.label}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
