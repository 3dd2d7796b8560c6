"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { CatalogSyncDto } from "@/lib/catalog/sync";
import type { FormAction } from "@/lib/http/authed-action";

/** One target's "Sync catalog": reads the cloud's own catalog and imports it; says what changed. */
export function SyncCatalogButton({
  targetId,
  targetName,
  action,
}: {
  targetId: string;
  targetName: string;
  action: FormAction<CatalogSyncDto>;
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  const done = state?.ok ? state.data : null;
  return (
    <form action={dispatch} aria-busy={pending} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="targetId" value={targetId} />
      <Button
        type="submit"
        variant="secondary"
        size="sm"
        disabled={pending}
        aria-label={`Sync catalog from ${targetName}`}
      >
        {pending ? "Syncing…" : "Sync catalog"}
      </Button>
      {done ? (
        <p role="status" className="text-sm" data-testid={`catalog-sync-result-${targetId}`}>
          Synced {done.versions.map((v) => `${v.format} v${v.version}`).join(", ")}: {done.added} added,{" "}
          {done.removed} removed.
        </p>
      ) : null}
      {state && !state.ok ? (
        <p role="alert" className="text-sm text-destructive">
          {state.error.message}
        </p>
      ) : null}
    </form>
  );
}
