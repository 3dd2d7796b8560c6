import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { CheckpointStatus } from "@/lib/audit/list";
import type { AuditVerification } from "@/lib/audit/verify";

/** The org's hash chain: "verified" with the count, or "broken" with where it first fails. */
export function ChainStatus({ result }: { result: AuditVerification }) {
  return (
    <div data-testid="audit-chain-status" role="status" className="flex flex-wrap items-center gap-2 text-sm">
      {result.ok ? (
        <>
          <Badge tone="success">verified</Badge>
          <span>
            Hash chain intact: {result.checked} events and {result.checkpoints} signed checkpoints checked.
          </span>
        </>
      ) : (
        <>
          <Badge tone="danger">broken</Badge>
          <span>
            Chain broken at event #{result.firstBad?.seq} ({result.firstBad?.reason}
            {result.firstBad?.detail ? `: ${result.firstBad.detail}` : ""}); {result.checked} events verified
            before it.
          </span>
        </>
      )}
    </div>
  );
}

/** The last signed checkpoint: when, at which event, by which key, and whether its signature verifies. */
export function CheckpointStatusLine({ status }: { status: CheckpointStatus }) {
  const last = status.last;
  return (
    <div data-testid="audit-checkpoint-status" className="flex flex-wrap items-center gap-2 text-sm">
      {!status.signing ? (
        <>
          <Badge tone="danger">signing off</Badge>
          <span>No audit signing key is configured (ELEVATE_AUDIT_SIGNING_KEY): no signed checkpoints.</span>
        </>
      ) : !last ? (
        <>
          <Badge tone="neutral">no checkpoint yet</Badge>
          <span>The first signed checkpoint is written on the next scheduled pass or export.</span>
        </>
      ) : (
        <>
          <Badge tone={status.lastVerified ? "success" : "danger"}>
            {status.lastVerified ? "signature verified" : "signature NOT verified"}
          </Badge>
          <span>
            Last signed checkpoint at event #{last.seq} ({last.reason}), <Time value={last.signedAt} />, key{" "}
            <code className="font-mono text-xs">{last.keyId}</code>, head{" "}
            <code className="font-mono text-xs">{last.headHash.slice(0, 16)}…</code>
          </span>
        </>
      )}
    </div>
  );
}
