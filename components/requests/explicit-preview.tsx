"use client";

import type { ExplicitPreview } from "@/lib/requests/preview-explicit";

/** Explicit permissions as they will be stored: unknown names with suggestions, wildcards expanded. */
export function ExplicitPermissionsPreview({ explicit }: { explicit: ExplicitPreview }) {
  if (explicit.unknown.length) {
    return (
      <div data-testid="preview-unknown" className="space-y-1">
        <p className="font-medium text-destructive">
          Not in the catalog (fix these to see the exact document):
        </p>
        <ul className="list-disc pl-5">
          {explicit.unknown.map((u) => (
            <li key={u.name}>
              <code className="font-mono">{u.name}</code>
              {u.suggestions.length ? (
                <span className="text-muted-foreground">
                  {" "}
                  — did you mean{" "}
                  {u.suggestions.map((s, i) => (
                    <span key={s}>
                      {i ? ", " : ""}
                      <code className="font-mono">{s}</code>
                    </span>
                  ))}
                  ?
                </span>
              ) : (
                <span className="text-muted-foreground"> — no close match</span>
              )}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <div className="space-y-2">
      {explicit.expanded.map((e) => (
        <details key={e.pattern}>
          <summary className="cursor-pointer">
            <code className="font-mono">{e.pattern}</code> expands to {e.matches.length} permission
            {e.matches.length === 1 ? "" : "s"}
          </summary>
          <ul className="mt-1 pl-5 font-mono text-xs">
            {e.matches.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </details>
      ))}
      {explicit.excluded.length ? (
        <p className="text-muted-foreground">
          Left out (they manage Elevate itself): {explicit.excluded.join(", ")}
        </p>
      ) : null}
      <details>
        <summary className="cursor-pointer">All {explicit.permissions.length} permissions requested</summary>
        <ul className="mt-1 pl-5 font-mono text-xs" data-testid="preview-expanded">
          {explicit.permissions.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}
