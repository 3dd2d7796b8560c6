"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { FormAction } from "@/lib/http/authed-action";
import type { CreatedTokenDto } from "@/lib/tokens";

/** Creates a token and shows its secret exactly once: it is stored only hashed and cannot be shown again. */
export function CreateTokenForm({ action }: { action: FormAction<CreatedTokenDto> }) {
  const [state, formAction, pending] = useActionState(action, null);
  const created = state?.ok ? state.data : null;
  const error = state && !state.ok ? state.error : null;
  return (
    <div className="space-y-4">
      <form
        action={formAction}
        aria-label="Create API token"
        aria-busy={pending}
        className="flex flex-wrap items-end gap-3"
      >
        <div className="min-w-56">
          <label htmlFor="token-name" className="block text-sm font-medium text-foreground">
            Name
          </label>
          <Input
            id="token-name"
            name="name"
            required
            maxLength={100}
            placeholder="e.g. ci-pipeline"
            aria-invalid={error?.field === "name" || undefined}
            aria-describedby={error?.field === "name" ? "token-name-error" : undefined}
          />
        </div>
        <div className="w-36">
          <label htmlFor="token-days" className="block text-sm font-medium text-foreground">
            Expires in (days)
          </label>
          <Input id="token-days" name="expiresInDays" type="number" min={1} max={365} defaultValue={90} />
        </div>
        <Button type="submit" disabled={pending}>
          Create token
        </Button>
      </form>
      {error ? (
        <FieldError id={error.field === "name" ? "token-name" : "token-form"} message={error.message} />
      ) : null}
      {created ? (
        <div role="status" className="rounded-md border border-border bg-muted p-4 text-sm">
          <p className="font-medium">
            Token “{created.name}” created. Copy it now: it will not be shown again.
          </p>
          <code
            data-testid="token-once"
            className="mt-2 block break-all rounded bg-code p-2 font-mono text-code-foreground"
          >
            {created.token}
          </code>
        </div>
      ) : null}
    </div>
  );
}
