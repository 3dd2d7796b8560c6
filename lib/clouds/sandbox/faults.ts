import { randomUUID } from "node:crypto";
import { CloudError, type CloudErrorKind } from "@/lib/clouds/port";

export type SandboxOp = "ensureRole" | "bind" | "unbind" | "inspect" | "deleteRole";

export type SandboxFault = {
  op: SandboxOp;
  kind: CloudErrorKind;
  /** How many calls fail before the operation works again. */
  times: number;
  retryAfterMs?: number;
  /** Apply the change, then fail: a timeout after the cloud did the work (ambiguous outcome). */
  applied?: boolean;
};

const KEY = Symbol.for("elevate.sandbox.faults");
type FaultStore = Map<string, SandboxFault[]>;

// Process-local and shared across module copies (Next may bundle this file more than once).
function store(): FaultStore {
  const g = globalThis as typeof globalThis & { [KEY]?: FaultStore };
  g[KEY] ??= new Map();
  return g[KEY];
}

/** Makes the next `times` calls of `op` on the target fail with a classified cloud error. For tests and demos. */
export function injectSandboxFault(targetId: string, fault: SandboxFault): void {
  const list = store().get(targetId) ?? [];
  list.push({ ...fault });
  store().set(targetId, list);
}

export function clearSandboxFaults(): void {
  store().clear();
}

/** Consumes one pending fault for this call, if any. */
export function takeFault(targetId: string, op: SandboxOp): SandboxFault | null {
  const list = store().get(targetId);
  const fault = list?.find((f) => f.op === op && f.times > 0);
  if (!fault) return null;
  fault.times -= 1;
  return fault;
}

export function faultError(fault: SandboxFault, op: SandboxOp): CloudError {
  const message: Record<CloudErrorKind, string> = {
    retryable: "InternalFailure: the service is temporarily unavailable",
    throttled: "Throttling: rate exceeded",
    not_found: "NoSuchEntity: the resource does not exist",
    permanent: "AccessDenied: the caller is not authorized to perform this operation",
  };
  return new CloudError(
    fault.kind,
    `sandbox ${op}: ${message[fault.kind]}`,
    fault.retryAfterMs,
    sandboxRequestId(),
  );
}

export function sandboxRequestId(): string {
  return `sbx-${randomUUID()}`;
}
