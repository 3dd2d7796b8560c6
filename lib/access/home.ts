import type { Cloud, GrantStatus, RequestStatus } from "@/db/schema";
import type { Ctx } from "@/lib/ctx";
import type { GrantDto, RequestDto } from "./dto";
import { listGrants } from "./list-grants";
import { listRequests } from "./list-requests";
import { requestLabel } from "./request-label";

/** A grant as the home page lists it (its detail page has the role document and evidence). */
export type HomeGrant = {
  id: string;
  requestId: string;
  status: GrantStatus;
  roleName: string;
  target: { name: string; cloud: Cloud };
  expiresAt: string | null;
};

/** A request as the home page lists it: what, where, when, status. */
export type HomeRequest = {
  id: string;
  label: string;
  target: { name: string; cloud: Cloud };
  createdAt: string;
  status: RequestStatus;
};

/**
 * What the home page shows, and no more: the page hands it to the browser and polls for it, so role
 * documents, evidence, approvals and ids of people stay on the server.
 */
export type HomeDto = { grants: HomeGrant[]; pending: HomeRequest[]; recent: HomeRequest[] };

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
    pending: pending.items.map(homeRequest),
    recent: latest.items
      .filter((r) => r.status !== "pending")
      .slice(0, 10)
      .map(homeRequest),
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

const homeRequest = (r: RequestDto): HomeRequest => ({
  id: r.id,
  label: requestLabel(r),
  target: { name: r.target.name, cloud: r.target.cloud },
  createdAt: r.createdAt,
  status: r.status,
});
