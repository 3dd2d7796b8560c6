import type { ReactNode } from "react";
import { cn } from "./cn";

/** Ids a field's control should point at with aria-describedby. */
export function describedBy(id: string, opts: { hint?: boolean; error?: boolean }): string | undefined {
  const ids = [opts.hint ? `${id}-hint` : null, opts.error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function FieldHint({ id, children }: { id: string; children: ReactNode }) {
  return (
    <p id={`${id}-hint`} className="mt-1 text-sm text-muted-foreground">
      {children}
    </p>
  );
}

/** The server's message for this field (it names the field), announced when it appears. */
export function FieldError({
  id,
  message,
  className,
}: {
  id: string;
  message?: string | null;
  className?: string;
}) {
  if (!message) return null;
  return (
    <p id={`${id}-error`} role="alert" className={cn("mt-1 text-sm font-medium text-destructive", className)}>
      {message}
    </p>
  );
}
