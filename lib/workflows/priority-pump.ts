export type PumpLane = "revocation" | "provisioning";

export type PriorityPump = {
  /** Runs `fn` when a slot is free: queued revocations always before queued provisioning work. */
  run<T>(lane: PumpLane, fn: () => Promise<T>): Promise<T>;
  /** Look again (the throttle may have lifted). */
  kick(): void;
  /** Drops what has not started (its callers' promises reject). */
  clear(): void;
  readonly queued: number;
};

type Job = { run: () => Promise<void>; drop: () => void };

/**
 * `concurrency` slots shared by two queues. A free slot takes the oldest revocation first; provisioning
 * (and extensions) get the rest, and only one slot while `throttled()` says revocations are under way
 * elsewhere (the revocation lane), so a storm of expiries is not slowed by a burst of approvals, which
 * still move.
 */
export function createPriorityPump(opts: { concurrency: number; throttled?: () => boolean }): PriorityPump {
  const queues: Record<PumpLane, Job[]> = { revocation: [], provisioning: [] };
  let running = 0;
  let provisioning = 0;

  function pump() {
    for (;;) {
      if (running >= opts.concurrency) return;
      const lane: PumpLane | null =
        queues.revocation.length > 0
          ? "revocation"
          : queues.provisioning.length > 0 && provisioning < (opts.throttled?.() ? 1 : opts.concurrency)
            ? "provisioning"
            : null;
      if (!lane) return;
      const job = queues[lane].shift()!;
      running += 1;
      if (lane === "provisioning") provisioning += 1;
      void job.run().finally(() => {
        running -= 1;
        if (lane === "provisioning") provisioning -= 1;
        pump();
      });
    }
  }

  return {
    run<T>(lane: PumpLane, fn: () => Promise<T>) {
      return new Promise<T>((resolve, reject) => {
        queues[lane].push({
          run: () => fn().then(resolve, reject),
          drop: () => reject(new Error("workflow driver stopped")),
        });
        pump();
      });
    },
    kick: pump,
    clear() {
      for (const q of Object.values(queues)) for (const job of q.splice(0)) job.drop();
    },
    get queued() {
      return queues.revocation.length + queues.provisioning.length;
    },
  };
}
