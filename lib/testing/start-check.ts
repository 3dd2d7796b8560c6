// Runs the production start-up check as instrumentation.ts does, in a process of its own, so a test can
// assert the exit code and message (lib/startup.test.ts). Relative import: run with plain `node --import tsx`.
import { exitOnUnsafeConfig } from "../startup";

exitOnUnsafeConfig();
process.stdout.write("configuration ok\n");
