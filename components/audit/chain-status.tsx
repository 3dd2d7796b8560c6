import { Badge } from "@/components/ui/badge";
import type { AuditVerification } from "@/lib/audit/verify";

/** The org's hash chain: "verified" with the count, or "broken" with where it first fails. */
export function ChainStatus({ result }: { result: AuditVerification }) {
  return (
    <div data-testid="audit-chain-status" role="status" className="flex flex-wrap items-center gap-2 text-sm">
      {result.ok ? (
        <>
          <Badge tone="success">verified</Badge>
          <span>Hash chain intact: {result.checked} events checked.</span>
        </>
      ) : (
        <>
          <Badge tone="danger">broken</Badge>
          <span>
            Chain broken at event #{result.firstBad?.seq} ({result.firstBad?.reason}); {result.checked} events
            verified before it.
          </span>
        </>
      )}
    </div>
  );
}
