"use client";

import { useId } from "react";
import { describedBy, FieldError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { CLOUD_LABELS, CLOUDS as CLOUD_LIST, type Cloud } from "@/lib/clouds/kinds";

export type TargetOption = { id: string; name: string; cloud: Cloud; externalId: string };

const CLOUDS = [
  { value: "", label: "All clouds" },
  ...CLOUD_LIST.map((c) => ({ value: c, label: CLOUD_LABELS[c] })),
];

/** Narrow by text (name or account id) and cloud, then choose; the select stays the form field. */
export function TargetPicker({
  targets,
  value,
  onChange,
  query,
  onQuery,
  cloud,
  onCloud,
  error,
}: {
  targets: TargetOption[];
  value: string;
  onChange: (id: string) => void;
  query: string;
  onQuery: (q: string) => void;
  cloud: string;
  onCloud: (c: string) => void;
  error?: string;
}) {
  const searchId = useId();
  const cloudId = useId();
  return (
    <div className="space-y-2">
      <div className="grid gap-2 sm:grid-cols-[1fr_10rem]">
        <div>
          <Label htmlFor={searchId}>Find by name, cloud or account</Label>
          <Input
            id={searchId}
            type="search"
            value={query}
            placeholder="e.g. prod, gcp, 1111…"
            onChange={(e) => onQuery(e.target.value)}
            className="mt-1"
          />
        </div>
        <div>
          <Label htmlFor={cloudId}>Cloud</Label>
          <Select id={cloudId} value={cloud} onChange={(e) => onCloud(e.target.value)} className="mt-1">
            {CLOUDS.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <div>
        <Label htmlFor="targetId">Target</Label>
        <Select
          id="targetId"
          name="targetId"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className="mt-1"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy("targetId", { hint: true, error: Boolean(error) })}
        >
          {targets.length === 0 ? <option value="">No target matches</option> : null}
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.cloud})
            </option>
          ))}
        </Select>
        <p id="targetId-hint" className="mt-1 text-sm text-muted-foreground" aria-live="polite">
          {targets.length} target{targets.length === 1 ? "" : "s"} shown
          {value ? ` · account ${targets.find((t) => t.id === value)?.externalId ?? ""}` : ""}
        </p>
        <FieldError id="targetId" message={error} />
      </div>
    </div>
  );
}

export function filterTargets(all: TargetOption[], query: string, cloud: string): TargetOption[] {
  const q = query.trim().toLowerCase();
  return all.filter(
    (t) =>
      (!cloud || t.cloud === cloud) &&
      (!q || `${t.name} ${t.cloud} ${t.externalId}`.toLowerCase().includes(q)),
  );
}
