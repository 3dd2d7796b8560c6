/**
 * True when the request's Origin names this host. Browsers send Origin on every cross-site POST and a
 * page cannot forge it (nor X-Forwarded-Host), so a missing or foreign Origin is refused.
 */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const host = (request.headers.get("x-forwarded-host") ?? request.headers.get("host"))
    ?.split(",")[0]
    ?.trim();
  return !!host && originHost.toLowerCase() === host.toLowerCase();
}
