import type { Cloud, GrantStatus } from "@/db/schema";
import type { Ctx } from "@/lib/ctx";
import { listGrants } from "../grants/list-grants";
import type { GrantDto } from "./dto";
import { listRequests } from "./list-requests";
import { type RequestListItem, requestListItem } from "./request-label";

/** A grant as the home page lists it (its detail page has the role document and evidence). */
type HomeGrant = {
  id: string;
  requestId: string;
  status: GrantStatus;
  roleName: string;
  target: { name: string; cloud: Cloud };
  expiresAt: string | null;
};

/**
 * What the home page shows, and no more: the page hands it to the browser and polls for it, so role
 * documents, evidence, approvals and ids of people stay on the server.
 */
export type HomeDto = { grants: HomeGrant[]; pending: RequestListItem[]; recent: RequestListItem[] };

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
    grants: grants.items.map(homeGrant),
    pending: pending.items.map(requestListItem),
    recent: latest.items
      .filter((r) => r.status !== "pending")
      .slice(0, 10)
      .map(requestListItem),
  };
}

const homeGrant = (g: GrantDto): HomeGrant => ({
  id: g.id,
  requestId: g.requestId,
  status: g.status,
  roleName: g.roleName,
  target: { name: g.target.name, cloud: g.target.cloud },
  expiresAt: g.expiresAt,
});
