import type { Cloud, RequestStatus } from "@/db/schema";
import type { RequestDto } from "./dto";

/** What a request asks for, in one phrase: the template's name, or how many permissions it lists. */
export function requestLabel(r: { template: { name: string } | null; permissions: string[] | null }): string {
  return r.template?.name ?? customLabel(r.permissions?.length ?? 0);
}

export const customLabel = (n: number) => `Custom permissions (${n})`;

/** A request as the lists show it (home, my requests): what, where, how long, when, status. */
export type RequestListItem = {
  id: string;
  label: string;
  target: { name: string; cloud: Cloud };
  durationMinutes: number;
  createdAt: string;
  status: RequestStatus;
};

/** The list item of a request DTO: pages hand these to the browser, not the DTO with its grants. */
export function requestListItem(r: RequestDto): RequestListItem {
  return {
    id: r.id,
    label: requestLabel(r),
    target: { name: r.target.name, cloud: r.target.cloud },
    durationMinutes: r.durationMinutes,
    createdAt: r.createdAt,
    status: r.status,
  };
}
