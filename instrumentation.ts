/** Next.js start-up hook: in the Node.js server runtime, start the inline driver's timers and reconciler. */
export async function register(): Promise<void> {
  const { isNodeServerRuntime } = await import("./lib/env");
  if (!isNodeServerRuntime()) return;
  const { startBackgroundWork } = await import("./lib/workflows/index");
  await startBackgroundWork();
}
