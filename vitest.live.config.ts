import { defineConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * Live adapter contract runs against real clouds (`npm run test:live [file]`), opt-in with the env vars in
 * docs/live-clouds.md. `*.live.ts` is outside the default include, so normal runs neither run nor skip it;
 * the include is replaced, not merged.
 */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ["lib/clouds/**/*.live.ts"], testTimeout: 600_000, fileParallelism: false },
});
