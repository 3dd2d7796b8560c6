import type { ReactNode } from "react";
import { Time } from "@/components/ui/time";
import { type EffectiveDecision, readEffectiveAccess } from "@/lib/grants/effective-access-shape";

// Words, not colours: "denied" is the good answer on a sibling and after expiry.
const said = (d: EffectiveDecision) => (
  <strong className="font-medium">{d === "allow" ? "allowed" : "denied"}</strong>
);
const where = (on: string): ReactNode =>
  on === "*" ? "any resource" : <code className="font-mono break-all">{on}</code>;

/** What the role allowed when it was bound, per permission, on a sibling and after expiry (grant evidence). */
export function EffectiveAccessList({ evidence }: { evidence: unknown }) {
  const e = readEffectiveAccess(evidence);
  if (!e) return null;
  const hidden = e.permissions - e.checks.length;
  return (
    <details className="mb-4" data-testid="effective-access">
      <summary className="cursor-pointer text-sm font-medium focus-visible:outline-2 focus-visible:outline-ring">
        Effective access (evaluated at bind): {e.afterExpiry === "deny" ? "ends" : "does not end"} at expiry
      </summary>
      <ul className="mt-2 list-disc space-y-1 pl-5 text-sm">
        {e.checks.map((c) => (
          <li key={c.permission}>
            <code className="font-mono">{c.permission}</code>: {said(c.decision)} on {where(c.on)}
            {c.sibling ? (
              <>
                ; {said(c.sibling.decision)} on sibling {where(c.sibling.on)}
              </>
            ) : null}
          </li>
        ))}
        <li>
          After expiry (<Time value={e.notAfter} />
          ): {said(e.afterExpiry)}
        </li>
      </ul>
      <p className="mt-1 text-xs text-muted-foreground">
        {hidden > 0 ? `${hidden} more permissions not listed. ` : ""}Evaluated by Elevate's own evaluator of
        the cloud's documented rules at <Time value={e.evaluatedAt} />, not by the cloud.
      </p>
    </details>
  );
}
