/**
 * Next.js start-up hook: in the Node.js server runtime, refuse an unsafe production configuration, then
 * start the inline driver's timers and reconciler. NEXT_RUNTIME is read here directly (not via lib/env)
 * because Next replaces it at build time, which keeps the Node-only imports out of the edge bundle.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { isNodeServerRuntime } = await import("./lib/env");
  if (!isNodeServerRuntime()) return;
  const { exitOnUnsafeConfig } = await import("./lib/startup");
  exitOnUnsafeConfig();
  const { startBackgroundWork } = await import("./lib/workflows/index");
  await startBackgroundWork();
}
