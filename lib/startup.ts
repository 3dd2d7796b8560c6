import { startupConfigProblems } from "./env";

/**
 * Refuses to serve with an unsafe production configuration: says why on stderr and exits non-zero, so a
 * supervisor shows the reason instead of a server that signs sessions with a public secret.
 */
export function exitOnUnsafeConfig(): void {
  const problems = startupConfigProblems();
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  - ${p}\n`).join("");
  process.stderr.write(
    `Elevate will not start in production:\n${lines}See docs/security.md (Production start-up).\n`,
  );
  process.exit(1);
}
