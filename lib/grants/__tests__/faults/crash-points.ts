import type { CloudAdapter } from "@/lib/clouds/port";
import type { SandboxOp } from "@/lib/clouds/sandbox";

type CrashPoint = { op: SandboxOp; when: "before" | "after"; died: () => void };

let armed: CrashPoint | null = null;

/**
 * The process "dies" at the next `op` call: before the cloud sees it, or after the cloud did the work. The
 * caller's promise never settles, so nothing after that point (no catch, no database write) ever runs, as
 * if the process had been killed. Resolves once the crash has happened.
 */
export function crashAt(op: SandboxOp, when: "before" | "after"): Promise<void> {
  return new Promise((resolve) => {
    armed = { op, when, died: resolve };
  });
}

export function disarmCrash(): void {
  armed = null;
}

const OPS: SandboxOp[] = ["ensureRole", "bind", "unbind", "inspect", "deleteRole"];

/** Wraps an adapter so an armed crash point fires inside its call; unarmed, every call goes straight through. */
export function withCrashPoints(adapter: CloudAdapter): CloudAdapter {
  const wrapped: CloudAdapter = { ...adapter };
  for (const op of OPS) {
    const real = adapter[op].bind(adapter) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(wrapped, {
      [op]: async (...args: unknown[]) => {
        const point = armed?.op === op ? armed : null;
        if (!point) return real(...args);
        armed = null;
        if (point.when === "after") await real(...args);
        point.died();
        return new Promise<never>(() => {});
      },
    });
  }
  return wrapped;
}
