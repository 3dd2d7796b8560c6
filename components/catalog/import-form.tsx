"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, startTransition, useActionState, useEffect } from "react";
import { Button } from "@/components/ui/button";
import { describedBy, FieldError, FieldHint } from "@/components/ui/field";
import { Select, Textarea } from "@/components/ui/input";
import type { CatalogVersionDto } from "@/lib/catalog/import-catalog";
import type { ActionError, ActionState } from "@/lib/http/authed-action";

type State = ActionState<CatalogVersionDto>;

const FORMAT_LABELS: Record<string, string> = {
  "gcloud-roles-list": "GCP: gcloud iam roles list --format=json",
  "gcloud-roles-describe": "GCP: gcloud iam roles describe --format=json (one or an array)",
  "gcp-testable-permissions": "GCP: testable permissions (queryTestablePermissions JSON)",
  "az-role-definition-list": "Azure: az role definition list",
  "az-provider-operation-list": "Azure: az provider operation list",
};

/**
 * Exports run to megabytes, past the server-action body limit: they go to the import route handler, which
 * has its own limit. An uploaded file wins over pasted text.
 */
async function postImport(_prev: State, form: FormData): Promise<State> {
  const file = form.get("file");
  const body = file instanceof File && file.size > 0 ? file : String(form.get("content") ?? "");
  const format = encodeURIComponent(String(form.get("format") ?? ""));
  try {
    const res = await fetch(`/api/ui/catalog/import?format=${format}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    // The route answers the verb's DTO, or the error shape every route handler shares.
    const json: CatalogVersionDto | { error: ActionError } = await res.json();
    return "error" in json ? { ok: false, error: json.error } : { ok: true, data: json };
  } catch {
    return {
      ok: false,
      error: { code: "unavailable", message: "The import did not reach the server; try again" },
    };
  }
}

/** Upload or paste one export; the result shows how many permissions were added and removed. */
export function ImportForm({ formats }: { formats: readonly string[] }) {
  const router = useRouter();
  const [state, dispatch, pending] = useActionState(postImport, null);
  // The page's catalog versions are server-rendered: refresh them after an import.
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  const error = state && !state.ok ? state.error : null;
  const done = state?.ok ? state.data : null;
  const contentError = error && error.field !== "format" ? error.message : null;
  // Dispatch by hand so a failed import keeps the pasted text (a form action would reset the fields).
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    startTransition(() => dispatch(data));
  };
  return (
    <form onSubmit={onSubmit} aria-label="Import catalog" aria-busy={pending} className="space-y-4">
      <div className="max-w-xl">
        <label htmlFor="import-format" className="block text-sm font-medium">
          Format
        </label>
        <Select
          id="import-format"
          name="format"
          required
          defaultValue={formats[0]}
          aria-invalid={error?.field === "format" || undefined}
          aria-describedby={describedBy("import-format", { error: error?.field === "format" })}
        >
          {formats.map((f) => (
            <option key={f} value={f}>
              {FORMAT_LABELS[f] ?? f}
            </option>
          ))}
        </Select>
        <FieldError id="import-format" message={error?.field === "format" ? error.message : null} />
      </div>
      <div>
        <label htmlFor="import-file" className="block text-sm font-medium">
          Export file (JSON)
        </label>
        <input
          id="import-file"
          name="file"
          type="file"
          accept="application/json,.json"
          className="mt-1 block text-sm"
          aria-describedby="import-file-hint"
        />
        <FieldHint id="import-file">A file wins over pasted text.</FieldHint>
      </div>
      <div>
        <label htmlFor="import-content" className="block text-sm font-medium">
          Or paste the export
        </label>
        <Textarea
          id="import-content"
          name="content"
          rows={8}
          className="font-mono text-xs"
          aria-invalid={!!contentError || undefined}
          aria-describedby={describedBy("import-content", { error: !!contentError })}
        />
        <FieldError id="import-content" message={contentError} />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Importing…" : "Import"}
      </Button>
      {done ? (
        <p role="status" className="text-sm" data-testid="import-result">
          Imported {done.format} as version {done.version}: {done.permissionCount} permissions,{" "}
          {done.roleCount} roles; {done.added} added, {done.removed} removed.
        </p>
      ) : null}
    </form>
  );
}
