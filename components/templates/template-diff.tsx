import { CLOUDS } from "@/lib/clouds/kinds";
import type { TemplateDiff } from "@/lib/templates";

const show = (v: unknown) => (Array.isArray(v) ? v.join(", ") || "none" : v === null ? "none" : String(v));

/** What one save changed: fields (from → to) and permissions added (+) or removed (−) per cloud. */
export function TemplateDiffView({ diff }: { diff: TemplateDiff }) {
  const clouds = CLOUDS.filter((c) => diff.permissions[c].added.length || diff.permissions[c].removed.length);
  if (!diff.fields.length && !clouds.length)
    return <p className="text-sm text-muted-foreground">No changes.</p>;
  return (
    <div className="space-y-2 text-sm">
      {diff.fields.length ? (
        <ul className="space-y-0.5">
          {diff.fields.map((f) => (
            <li key={f.field}>
              <span className="font-medium">{f.field}</span>:{" "}
              <del className="text-muted-foreground">{show(f.from)}</del> →{" "}
              <ins className="no-underline">{show(f.to)}</ins>
            </li>
          ))}
        </ul>
      ) : null}
      {clouds.map((c) => (
        <div key={c}>
          <p className="text-xs font-semibold uppercase text-muted-foreground">{c}</p>
          <ul className="font-mono text-xs break-all">
            {diff.permissions[c].added.map((p) => (
              <li key={`+${p}`} className="text-green-800 dark:text-green-300">
                <span aria-hidden>+ </span>
                <span className="sr-only">added </span>
                {p}
              </li>
            ))}
            {diff.permissions[c].removed.map((p) => (
              <li key={`-${p}`} className="text-red-800 dark:text-red-300">
                <span aria-hidden>− </span>
                <span className="sr-only">removed </span>
                {p}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
