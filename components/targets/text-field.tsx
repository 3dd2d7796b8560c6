import type { InputHTMLAttributes } from "react";
import { describedBy, FieldError, FieldHint } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

/** A labelled input whose hint and (server) error are announced with it. */
export function TextField({
  id,
  label,
  hint,
  error,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & {
  id: string;
  label: string;
  hint?: string;
  error?: string | null;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-foreground">
        {label}
      </label>
      <Input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, { hint: Boolean(hint), error: Boolean(error) })}
        autoComplete="off"
        spellCheck={false}
        {...props}
      />
      {hint ? <FieldHint id={id}>{hint}</FieldHint> : null}
      <FieldError id={id} message={error} />
    </div>
  );
}
