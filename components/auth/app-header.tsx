import Link from "next/link";
import type { PersonActor } from "@/lib/ctx";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { NavLink } from "../ui/nav-link";
import { ThemeToggle } from "../ui/theme-toggle";
import { signOutAction } from "./sign-out-action";

/** Who is signed in, with their roles, where they can go, and a way out. */
export function AppHeader({ actor }: { actor: PersonActor }) {
  const can = (p: Parameters<typeof actor.permissions.has>[0]) => actor.permissions.has(p);
  return (
    <header className="border-b border-border bg-card">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-3">
        <div className="flex flex-wrap items-center gap-4">
          <Link href="/" className="text-lg font-bold text-primary">
            Elevate
          </Link>
          <nav aria-label="Main">
            <ul className="flex flex-wrap items-center gap-1">
              <li>
                <NavLink href="/">Home</NavLink>
              </li>
              {can("requests.read.own") ? (
                <li>
                  <NavLink href="/requests">My requests</NavLink>
                </li>
              ) : null}
              {can("requests.read.own") ? (
                <li>
                  <NavLink href="/catalog">Catalog</NavLink>
                </li>
              ) : null}
              {can("requests.approve") ? (
                <li>
                  <NavLink href="/inbox">Approvals</NavLink>
                </li>
              ) : null}
              {can("grants.read.all") && can("targets.manage") ? (
                <li>
                  <NavLink href="/admin">Admin</NavLink>
                </li>
              ) : null}
              {can("audit.read") ? (
                <li>
                  <NavLink href="/audit">Audit</NavLink>
                </li>
              ) : null}
              {can("audit.read") ? (
                <li>
                  <NavLink href="/reports/usage">Reports</NavLink>
                </li>
              ) : null}
              {can("audit.read") ? (
                <li>
                  <NavLink href="/reports/compliance">Compliance</NavLink>
                </li>
              ) : null}
              <li>
                <NavLink href="/reviews">Reviews</NavLink>
              </li>
            </ul>
          </nav>
        </div>
        <div className="flex items-center gap-3">
          <div className="text-right text-sm">
            <p data-testid="current-user" className="font-medium text-foreground">
              {actor.name ?? actor.email}
            </p>
            <ul aria-label="Your roles" className="flex justify-end gap-1">
              {[...actor.roles].sort().map((role) => (
                <li key={role}>
                  <Badge>{role}</Badge>
                </li>
              ))}
            </ul>
          </div>
          <Link href="/settings/notifications" className="text-sm underline-offset-4 hover:underline">
            Notifications
          </Link>
          <ThemeToggle />
          <form action={signOutAction}>
            <Button type="submit" variant="secondary">
              Sign out
            </Button>
          </form>
        </div>
      </div>
    </header>
  );
}
