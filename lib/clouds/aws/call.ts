import { awsErrorCode, classifyAwsError } from "./errors";

type WithMetadata = { $metadata: { requestId?: string } };

export type Outcome<T> = { ok: true; out: T } | { ok: false; code: string };

/**
 * Runs one IAM call, appending its request id (the evidence) to `requestIds`. Error codes listed in
 * `accept` (EntityAlreadyExists on create, NoSuchEntity on delete) are outcomes, not failures; every
 * other failure is thrown as a classified CloudError.
 */
export async function call<T extends WithMetadata>(
  requestIds: string[],
  operation: string,
  send: () => Promise<T>,
  accept: string[] = [],
): Promise<Outcome<T>> {
  try {
    const out = await send();
    if (out.$metadata.requestId) requestIds.push(out.$metadata.requestId);
    return { ok: true, out };
  } catch (e) {
    const code = awsErrorCode(e);
    if (!accept.includes(code)) throw classifyAwsError(operation, e);
    const requestId = (e as Partial<WithMetadata>).$metadata?.requestId;
    if (requestId) requestIds.push(requestId);
    return { ok: false, code };
  }
}

type Page = WithMetadata & { IsTruncated?: boolean; Marker?: string };

/** Follows `Marker` through every page of a List* call; `null` when the listed parent does not exist. */
export async function listAll<P extends Page, I>(
  requestIds: string[],
  operation: string,
  fetch: (marker: string | undefined) => Promise<P>,
  items: (page: P) => I[] | undefined,
  accept: string[] = [],
): Promise<I[] | null> {
  const all: I[] = [];
  let marker: string | undefined;
  do {
    const r = await call(requestIds, operation, () => fetch(marker), accept);
    if (!r.ok) return null;
    all.push(...(items(r.out) ?? []));
    marker = r.out.IsTruncated ? r.out.Marker : undefined;
  } while (marker);
  return all;
}
