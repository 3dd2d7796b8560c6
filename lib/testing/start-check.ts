// Runs the production start-up check as instrumentation.ts does, in a process of its own, so a test can
// assert its exit code and message (lib/startup.test.ts). Relative imports: plain `node --import tsx` runs it.
import { exitOnUnsafeConfig } from "../startup";

exitOnUnsafeConfig();
process.stdout.write("configuration ok\n");
