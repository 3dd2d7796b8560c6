import Link from "next/link";
import type { PersonActor } from "@/lib/ctx";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { signOutAction } from "./sign-out-action";

/** Who is signed in, with their roles, and a way out. */
export function AppHeader({ actor }: { actor: PersonActor }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-3">
        <Link href="/" className="text-lg font-bold text-indigo-700">
          Elevate
        </Link>
        <div className="flex items-center gap-3">
          <div className="text-right text-sm">
            <p data-testid="current-user" className="font-medium text-slate-900">
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
