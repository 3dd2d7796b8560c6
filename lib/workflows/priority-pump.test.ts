import { describe, expect, it } from "vitest";
import { createPriorityPump } from "./priority-pump";

/** A task that starts when the pump runs it and finishes when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe("priority pump", () => {
  it("runs queued revocations before provisioning queued earlier", async () => {
    const pump = createPriorityPump({ concurrency: 1 });
    const order: string[] = [];
    const blocker = gate();
    const first = pump.run("provisioning", async () => {
      order.push("p0");
      await blocker.opened;
    });
    const queued = [
      pump.run("provisioning", async () => void order.push("p1")),
      pump.run("provisioning", async () => void order.push("p2")),
      pump.run("revocation", async () => void order.push("r1")),
      pump.run("revocation", async () => void order.push("r2")),
    ];
    expect(order).toEqual(["p0"]);
    blocker.open();
    await Promise.all([first, ...queued]);
    expect(order).toEqual(["p0", "r1", "r2", "p1", "p2"]);
  });

  it("gives provisioning one slot while throttled, and the rest once the throttle lifts", async () => {
    let throttled = true;
    const pump = createPriorityPump({ concurrency: 4, throttled: () => throttled });
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      pump.run("provisioning", async () => {
        started.push(i);
        await g.opened;
      }),
    );
    expect(started).toEqual([0]);
    throttled = false;
    pump.kick();
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    await Promise.all(runs);
  });

  it("rejects what has not started when cleared", async () => {
    const pump = createPriorityPump({ concurrency: 1 });
    const blocker = gate();
    const first = pump.run("revocation", () => blocker.opened);
    const dropped = pump.run("provisioning", async () => "never");
    pump.clear();
    await expect(dropped).rejects.toThrow("stopped");
    blocker.open();
    await first;
    expect(pump.queued).toBe(0);
  });
});
