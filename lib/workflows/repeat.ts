import { logger } from "@/lib/log";

export type Pass = {
  /** Names the pass in logs (`job`). */
  job: string;
  /** One pass; it logs what it did itself. A throw is logged and the next pass still runs. */
  run: () => Promise<void>;
};

/**
 * The embedded mode's schedule for periodic work that Inngest crons do in production (usage pull, audit
 * checkpoints, report delivery): every `intervalMs` the passes run one after another; runs never overlap,
 * a failed pass is logged and the others and the next round still run. The timer does not keep the process
 * alive. Returns a stop function.
 */
export function repeatEvery(intervalMs: number, passes: Pass[]): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const loop = () => {
    timer = setTimeout(async () => {
      for (const pass of passes) {
        try {
          await pass.run();
        } catch (err) {
          logger.error({ job: pass.job, err }, `${pass.job} pass failed`);
        }
      }
      if (!stopped) loop();
    }, intervalMs);
    timer.unref?.();
  };
  loop();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
