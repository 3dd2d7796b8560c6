// Entry of the usage ingest worker thread: loads TypeScript through tsx (a dependency; the CLI runs on it
// too), whatever started the process (the CLI, `next start`, vitest), then runs ./worker.ts.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
