"use client";

import { type ReactNode, useActionState } from "react";
import type { FormAction } from "@/lib/http/authed-action";

/** A form bound to a server action, showing the action's error (naming the field) next to it. */
export function ActionForm<T>({
  action,
  children,
  className,
  label,
}: {
  action: FormAction<T>;
  children: ReactNode;
  className?: string;
  label?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className={className} aria-label={label} aria-busy={pending}>
      {children}
      {state && !state.ok ? (
        <p role="alert" className="mt-2 text-sm text-destructive" data-testid="form-error">
          {state.error.message}
        </p>
      ) : null}
    </form>
  );
}
