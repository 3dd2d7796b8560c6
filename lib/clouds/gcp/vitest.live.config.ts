import { defineConfig } from "vitest/config";
import base from "../../../vitest.config";

/**
 * Live adapter runs against real clouds: `npx vitest run -c lib/clouds/gcp/vitest.live.config.ts [file]`.
 * Replaces (not merges) `include`, so only `*.live.ts` files run.
 */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ["lib/clouds/**/*.live.ts"], testTimeout: 600_000, fileParallelism: false },
});
