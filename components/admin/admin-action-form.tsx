"use client";

import { type ReactNode, useActionState, useEffect } from "react";
import { toast } from "@/components/ui/toast";
import type { FormAction } from "@/lib/http/authed-action";

/**
 * A form bound to a server action: shows the action's error (naming the field) in an alert, and a short
 * status message once it succeeds, both announced to screen readers.
 */
export function AdminActionForm<T>({
  action,
  children,
  className,
  label,
  success,
}: {
  action: FormAction<T>;
  children: ReactNode;
  className?: string;
  label: string;
  success?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  // The form may leave the page on success (a revoked grant leaves the list): say it in a toast too.
  useEffect(() => {
    if (state?.ok && success) toast({ title: success, tone: "success" });
  }, [state, success]);
  return (
    <form action={formAction} className={className} aria-label={label} aria-busy={pending}>
      {children}
      {state && !state.ok ? (
        <p role="alert" className="mt-2 w-full text-sm text-destructive" data-testid="form-error">
          {state.error.message}
        </p>
      ) : null}
      {state?.ok && success ? (
        <p role="status" className="mt-2 w-full text-sm text-foreground">
          {success}
        </p>
      ) : null}
    </form>
  );
}
