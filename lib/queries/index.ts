import { queryOptions } from "@tanstack/react-query";
import { GRANT_TERMINAL } from "@/lib/grants/grant-state";
import type { HomeDto } from "@/lib/requests/home";
import type { InboxCard } from "@/lib/requests/list-inbox-cards";
import type { RequestPreviewDto } from "@/lib/requests/preview";
import { REQUEST_TERMINAL } from "@/lib/requests/request-state";
import type { RequestViewDto } from "@/lib/requests/request-view";
import { fetchJson } from "./fetch-json";

/**
 * One queryOptions per resource. Server pages call the same read verb the route calls and hand the result
 * to the client as initialData under the same key, so the first paint needs no round trip.
 */
const POLL_MS = 5_000;

export const homeQuery = () =>
  queryOptions({
    queryKey: ["home"] as const,
    queryFn: ({ signal }) => fetchJson<HomeDto>("/api/ui/home", signal),
    refetchInterval: POLL_MS,
  });

/** The newest `limit` cards; every key starts with "inbox", so invalidating ["inbox"] refreshes them all. */
export const inboxQuery = (limit: number) =>
  queryOptions({
    queryKey: ["inbox", limit] as const,
    queryFn: ({ signal }) =>
      fetchJson<{ items: InboxCard[]; more: boolean }>(`/api/ui/inbox?limit=${limit}`, signal),
    refetchInterval: POLL_MS,
  });

/** Polls while something may still change on its own (a decision, provisioning, expiry). */
export const requestQuery = (id: string) =>
  queryOptions({
    queryKey: ["request", id] as const,
    queryFn: ({ signal }) => fetchJson<RequestViewDto>(`/api/ui/requests/${encodeURIComponent(id)}`, signal),
    refetchInterval: (q) => {
      const r = q.state.data?.request;
      if (!r) return POLL_MS;
      const moving = !REQUEST_TERMINAL.has(r.status) || r.grants.some((g) => !GRANT_TERMINAL.has(g.status));
      return moving ? 3_000 : false;
    },
  });

export type PreviewParams = {
  targetId: string;
  /** Exactly one of the two: a template id, or explicit permissions (one per entry). */
  templateId: string;
  permissions?: string[];
  resource: string;
  /** With explicit permissions: what kind of resource `resource` names. */
  resourceKind?: string;
  durationMinutes: number;
};

export const previewQuery = (p: PreviewParams) =>
  queryOptions({
    queryKey: ["preview", p] as const,
    queryFn: ({ signal }) => {
      const qs = new URLSearchParams({
        targetId: p.targetId,
        durationMinutes: String(p.durationMinutes),
        ...(p.resource ? { resource: p.resource } : {}),
        ...(p.permissions && p.resourceKind ? { resourceKind: p.resourceKind } : {}),
      });
      if (p.permissions) for (const perm of p.permissions) qs.append("permissions", perm);
      else qs.set("templateId", p.templateId);
      return fetchJson<RequestPreviewDto>(`/api/ui/preview?${qs}`, signal);
    },
    staleTime: 30_000,
    retry: false,
  });
