import type { Ctx } from "@/lib/ctx";
import type { GrantDto, RequestDto } from "./dto";
import { listGrants } from "./list-grants";
import { listRequests } from "./list-requests";

export type HomeDto = { grants: GrantDto[]; pending: RequestDto[]; recent: RequestDto[] };

/**
 * The requester's home: grants that may hold access now, requests waiting for a decision, and the latest
 * decided ones. Each request appears in one list only. Permissions are the list verbs' own.
 */
export async function getHome({ ctx }: { ctx: Ctx }): Promise<HomeDto> {
  const [grants, pending, latest] = await Promise.all([
    listGrants({ ctx, input: { scope: "mine", status: "live", limit: 50 } }),
    listRequests({ ctx, input: { scope: "mine", status: "pending", limit: 20 } }),
    listRequests({ ctx, input: { scope: "mine", limit: 15 } }),
  ]);
  return {
    grants: grants.items,
    pending: pending.items,
    recent: latest.items.filter((r) => r.status !== "pending").slice(0, 10),
  };
}
