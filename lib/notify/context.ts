import { and, desc, eq, ne } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessRequests, type RequestStatus, type Risk, targets, taskTemplates } from "@/db/schema";
import { env } from "@/lib/env";
import { type UsageDto, usageFor } from "@/lib/grants/access-instructions";
import { type GrantDto, loadGrantDto, loadRequestDto, type RequestDto } from "@/lib/requests/dto";
import { needsStepUp } from "@/lib/requests/step-up";

/** Everything an approver needs in a message: the request, how many permissions, the requester's history. */
export type RequestContext = {
  request: RequestDto;
  permissionCount: number;
  history: { id: string; status: RequestStatus; createdAt: string }[];
  url: string;
  stepUp: boolean;
};

export type GrantContext = { grant: GrantDto; usage: UsageDto; url: string; extendUrl: string };

/** The portal's public address for links in messages (NEXTAUTH_URL), without a trailing slash. */
export function portalUrl(): string {
  return (env().NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");
}

/** What the message promises: the decide verb's own rule (lib/requests/step-up.ts), the same function. */
export function stepUpRequiredFor(request: { risk: Risk; policyOutcome?: { stepUp?: boolean } | null }) {
  return needsStepUp(request.policyOutcome, request.risk);
}

export async function requestContext(db: Db, orgId: string, requestId: string): Promise<RequestContext> {
  const request = await loadRequestDto(db, orgId, requestId);
  let permissionCount = request.permissions?.length ?? 0;
  if (request.template) {
    const [t] = await db
      .select({ permissions: taskTemplates.permissions })
      .from(taskTemplates)
      .where(eq(taskTemplates.id, request.template.id));
    permissionCount = t?.permissions[request.target.cloud]?.length ?? 0;
  }
  const history = await db
    .select({ id: accessRequests.id, status: accessRequests.status, createdAt: accessRequests.createdAt })
    .from(accessRequests)
    .where(
      and(
        eq(accessRequests.orgId, orgId),
        eq(accessRequests.requesterId, request.requester.id),
        ne(accessRequests.id, requestId),
      ),
    )
    .orderBy(desc(accessRequests.createdAt))
    .limit(5);
  return {
    request,
    permissionCount,
    history: history.map((h) => ({ ...h, createdAt: h.createdAt.toISOString() })),
    url: `${portalUrl()}/requests/${requestId}`,
    stepUp: stepUpRequiredFor(request),
  };
}

export async function grantContext(db: Db, orgId: string, grantId: string): Promise<GrantContext> {
  const grant = await loadGrantDto(db, orgId, grantId);
  const [target] = await db
    .select({ cloud: targets.cloud, externalId: targets.externalId, adapter: targets.adapter })
    .from(targets)
    .where(eq(targets.id, grant.target.id));
  const usage = usageFor(
    { id: grant.id, resource: grant.resource, roleDocument: grant.roleDocument },
    target,
    orgId,
  );
  const url = `${portalUrl()}/requests/${grant.requestId}`;
  return { grant, usage, url, extendUrl: `${url}#extend` };
}
