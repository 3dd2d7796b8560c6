#!/usr/bin/env node
// Launcher for `npx elevate …`: runs cli/elevate.ts under tsx from the repository root (where the
// migrations and tsconfig path aliases live), passing arguments, output and the exit code through.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = import.meta.resolve("tsx");
const child = spawn(
  process.execPath,
  // --expose-gc: a long usage import collects its garbage as it goes (lib/usage/ingest/pipeline.ts).
  ["--expose-gc", "--import", tsx, path.join(root, "cli", "elevate.ts"), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
});
child.on("error", (err) => {
  process.stderr.write(`elevate: could not start tsx: ${err.message}\n`);
  process.exit(2);
});
