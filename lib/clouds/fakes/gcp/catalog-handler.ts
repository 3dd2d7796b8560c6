import { gcpError } from "./errors";
import type { FakeReply, FakeRequest } from "./fake-http";
import type { FakeGcpState } from "./state";

const PROJECT_RESOURCE =
  /^\/\/cloudresourcemanager\.googleapis\.com\/projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])$/;

/** Google's paging: an opaque token (an offset here), `pageSize` capped at 1,000. */
function page<T>(items: T[], size: unknown, token: unknown, limit: number) {
  const n = Math.min(Number(size) || limit, 1000, limit);
  const start = Number(token ?? 0) || 0;
  const next = start + n < items.length ? String(start + n) : undefined;
  return { items: items.slice(start, start + n), ...(next ? { nextPageToken: next } : {}) };
}

/** IAM v1 `roles.list` (predefined roles; permissions only with view FULL). */
export function listPredefinedRoles(state: FakeGcpState, req: FakeRequest): FakeReply {
  const full = req.query.get("view") === "FULL";
  const roles = state.predefinedRoles.map((r) => {
    if (full) return r;
    const { includedPermissions: _, ...basic } = r;
    return basic;
  });
  const { items, nextPageToken } = page(
    roles,
    req.query.get("pageSize"),
    req.query.get("pageToken"),
    state.catalogPageSize,
  );
  return { status: 200, body: { roles: items, ...(nextPageToken ? { nextPageToken } : {}) } };
}

/** IAM v1 `permissions.queryTestablePermissions` on a project's full resource name. */
export function queryTestablePermissions(state: FakeGcpState, body: unknown): FakeReply {
  const b = (body ?? {}) as { fullResourceName?: string; pageSize?: number; pageToken?: string };
  const m = PROJECT_RESOURCE.exec(b.fullResourceName ?? "");
  if (!m) return gcpError(400, `Invalid full resource name: ${b.fullResourceName ?? ""}.`);
  const { items, nextPageToken } = page(
    state.testablePermissions,
    b.pageSize,
    b.pageToken,
    state.catalogPageSize,
  );
  return { status: 200, body: { permissions: items, ...(nextPageToken ? { nextPageToken } : {}) } };
}
