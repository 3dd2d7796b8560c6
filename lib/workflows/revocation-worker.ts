import { parentPort, workerData } from "node:worker_threads";
import { openDb } from "@/db/client";
import { createRevocationLane } from "./revocation-lane";
import type { FromLane, ToLane } from "./revocation-thread";

/** The revocation thread's entry (started by startRevocationThread): a lane on its own connection pool. */
async function main() {
  const port = parentPort;
  if (!port) throw new Error("revocation-worker runs only as a worker thread");
  const data = workerData as { url: string; scanIntervalMs: number; horizonMs?: number; orgId?: string };
  const post = (m: FromLane) => port.postMessage(m);
  const handle = await openDb({ url: data.url });
  const lane = createRevocationLane({
    db: handle.db,
    scanIntervalMs: data.scanIntervalMs,
    horizonMs: data.horizonMs,
    orgId: data.orgId,
    onBusy: (busy) => post({ type: "busy", busy }),
  });
  port.on("message", (m: ToLane) => {
    if (m.type === "arm") lane.arm(m.orgId, m.grantId, m.expiresAt);
    else if (m.type === "disarm") lane.disarm(m.grantId);
    else if (m.type === "start") lane.start();
    else if (m.type === "idle") void lane.idle().then(() => post({ type: "idle", id: m.id }));
    else if (m.type === "stop") {
      void lane
        .stop()
        .then(() => handle.close())
        .then(() => post({ type: "stopped", id: m.id }));
    }
  });
  post({ type: "ready" });
}

void main();
