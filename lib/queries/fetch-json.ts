/** An error answer from /api/ui, keeping the server's code and the field it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type ErrorBody = { error?: { code?: string; message?: string; field?: string } };

/** GET a same-origin JSON read route (the session cookie goes along). */
export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { headers: { accept: "application/json" }, cache: "no-store", signal });
  if (res.ok) return (await res.json()) as T;
  const body = (await res.json().catch(() => ({}))) as ErrorBody;
  throw new ApiError(
    res.status,
    body.error?.code ?? "internal",
    body.error?.message ?? `Request failed (${res.status})`,
    body.error?.field,
  );
}
