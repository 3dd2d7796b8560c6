import { hostname } from "node:os";
import { env } from "@/lib/env";

/** This process's name in the audit of the revocations it did: ELEVATE_INSTANCE_ID, else host:pid. */
export function instanceId(): string {
  return env().ELEVATE_INSTANCE_ID ?? `${hostname()}:${process.pid}`;
}
