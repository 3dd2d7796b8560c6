"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Badge, RiskBadge } from "@/components/ui/badge";
import { CodeBlock } from "@/components/ui/code-block";
import { Skeleton } from "@/components/ui/skeleton";
import { type PreviewParams, previewQuery } from "@/lib/queries";
import { ExplicitPermissionsPreview } from "./explicit-preview";

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

function endsAround(minutes: number): string {
  const d = new Date(Date.now() + minutes * 60_000);
  return `${d.toISOString().slice(11, 16)} UTC`;
}

/** "What will happen": approvers, duration and the exact cloud document, before anything is submitted. */
export function RequestPreview({ params }: { params: PreviewParams }) {
  const p = useDebounced(params, 400);
  const what = p.permissions ? p.permissions.length > 0 : Boolean(p.templateId);
  const ready = Boolean(p.targetId && what && Number.isInteger(p.durationMinutes) && p.durationMinutes > 0);
  const q = useQuery({ ...previewQuery(p), enabled: ready });

  return (
    <section
      aria-labelledby="preview-title"
      aria-busy={q.isFetching}
      className="rounded-md border border-border bg-muted p-4"
      data-testid="request-preview"
    >
      <h3 id="preview-title" className="text-sm font-semibold">
        What will happen
      </h3>
      {!ready ? (
        <p className="mt-2 text-sm text-muted-foreground">
          Pick a target, a task (or list permissions) and a duration to see the details.
        </p>
      ) : q.isPending ? (
        <div role="status" aria-label="Loading preview" className="mt-3 space-y-2">
          <Skeleton className="h-4 w-2/3" />
          <Skeleton className="h-4 w-1/2" />
          <Skeleton className="h-24 w-full" />
        </div>
      ) : q.isError ? (
        <p className="mt-2 text-sm font-medium text-destructive">{q.error.message}</p>
      ) : (
        <div className="mt-2 space-y-3 text-sm">
          <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1">
            <dt className="text-muted-foreground">Who approves</dt>
            <dd data-testid="preview-approvers">
              {q.data.approval.required} approval{q.data.approval.required > 1 ? "s" : ""} from the{" "}
              <strong>{q.data.approval.group}</strong> group
              {q.data.approval.approvers.length > 0
                ? ` (${q.data.approval.approvers.map((a) => a.name).join(", ")})`
                : " — nobody in it can approve you yet"}
            </dd>
            <dt className="text-muted-foreground">For how long</dt>
            <dd data-testid="preview-duration">
              {q.data.durationMinutes} minutes from approval (about {endsAround(q.data.durationMinutes)} if
              approved now), then removed automatically
            </dd>
          </dl>
          {q.data.explicit ? <ExplicitPermissionsPreview explicit={q.data.explicit} /> : null}
          {q.data.roles.map((role) => (
            <div key={role.target.id} className="space-y-2">
              <p>
                In <strong>{role.target.name}</strong> ({role.target.cloud} {role.target.externalId}): role{" "}
                <code className="font-mono">{role.roleName}</code> with{" "}
                <span data-testid="preview-permission-count">{role.permissions.length}</span> permission
                {role.permissions.length === 1 ? "" : "s"}.
              </p>
              <div className="flex flex-wrap items-center gap-1">
                <RiskBadge risk={role.declaredRisk ?? role.riskLevel} data-testid="preview-risk" />
                {role.riskTags.map((t) => (
                  <Badge key={t}>{t}</Badge>
                ))}
              </div>
              {role.declaredRisk && role.riskLevel !== role.declaredRisk ? (
                // The template's risk is an admin's judgement; the catalog's per-permission rating is a
                // heuristic. Show both rather than a second, different "risk" than the picker showed.
                <p className="text-muted-foreground" data-testid="preview-catalog-risk">
                  The template is rated {role.declaredRisk} risk; the catalog rates some of these permissions{" "}
                  {role.riskLevel}.
                </p>
              ) : null}
              {role.examples && (role.examples.can.length || role.examples.cannot.length) ? (
                <div className="grid gap-1 sm:grid-cols-2" data-testid="preview-examples">
                  <ExampleList title="Can" items={role.examples.can} />
                  <ExampleList title="Cannot" items={role.examples.cannot} />
                </div>
              ) : null}
              {role.notes.length ? (
                <ul className="list-disc pl-5 text-muted-foreground">
                  {role.notes.map((n) => (
                    <li key={n}>{n}</li>
                  ))}
                </ul>
              ) : null}
              <details open>
                <summary className="cursor-pointer font-medium focus-visible:outline-2 focus-visible:outline-ring">
                  Exact {role.target.cloud} document
                </summary>
                <CodeBlock
                  label={`${role.target.cloud} role document`}
                  className="mt-2"
                  data-testid="preview-document"
                >
                  {JSON.stringify(role.document, null, 2)}
                </CodeBlock>
                {role.binding.condition || role.binding.scope ? (
                  <CodeBlock label={`${role.target.cloud} binding`} className="mt-2">
                    {JSON.stringify(role.binding, null, 2)}
                  </CodeBlock>
                ) : null}
              </details>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

/** One column of the evaluated examples: a permission and what it was evaluated on. */
function ExampleList({ title, items }: { title: string; items: { permission: string; on: string }[] }) {
  return (
    <div>
      <p className="font-medium">{title}</p>
      <ul className="list-disc pl-5">
        {items.map((e) => (
          <li key={`${e.permission} ${e.on}`} className="break-all">
            <code className="font-mono">{e.permission}</code> on <code className="font-mono">{e.on}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
