"use client";

import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/input";

type Summary = Record<string, unknown> & { reasons?: Record<string, number> };
type Target = { id: string; name: string; cloud: string };

/** Upload one audit-log file; the body goes to the upload route as is (streamed, gzip allowed). */
export function UsageUploadForm({ targets }: { targets: Target[] }) {
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; data: Summary } | null>(null);
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return;
    const params = new URLSearchParams({ name: file.name });
    const target = String(form.get("target") ?? "");
    if (target) params.set("target", target);
    setPending(true);
    try {
      const res = await fetch(`/api/ui/usage/import?${params}`, { method: "POST", body: file });
      const json = await res.json();
      setResult({ ok: res.ok, data: res.ok ? json : json.error });
    } catch {
      setResult({ ok: false, data: { message: "The upload did not reach the server; try again" } });
    } finally {
      setPending(false);
    }
  };
  return (
    <form onSubmit={onSubmit} aria-label="Upload audit logs" aria-busy={pending} className="space-y-4">
      <div className="max-w-xl">
        <label htmlFor="usage-file" className="block text-sm font-medium">
          Log file (.json, .jsonl, .json.gz)
        </label>
        <input id="usage-file" name="file" type="file" required className="mt-1 block text-sm" />
      </div>
      <div className="max-w-xl">
        <label htmlFor="usage-target" className="block text-sm font-medium">
          Target (optional: otherwise matched from each event's account, project or subscription)
        </label>
        <Select id="usage-target" name="target" defaultValue="">
          <option value="">Match from the events</option>
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.cloud})
            </option>
          ))}
        </Select>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Importing…" : "Import"}
      </Button>
      {result ? (
        <output aria-live="polite" className="block text-sm" data-testid="usage-import-result">
          {result.ok ? "Imported: " : "Refused: "}
          <code className="font-mono text-xs">{JSON.stringify(result.data)}</code>
        </output>
      ) : null}
    </form>
  );
}
