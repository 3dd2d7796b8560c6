import { type Ctx, hasPermission } from "@/lib/ctx";
import { NotFound, parseInput } from "@/lib/errors";
import { loadRequestDto, type RequestDto } from "./dto";
import { getRequestInOrgOrThrow, isGroupMember } from "./queries";
import { GetRequestInput } from "./schemas";

/**
 * One request: visible to its requester, to holders of `requests.read.all`, and to current members of its
 * approver group. Anyone else gets NotFound, so ids reveal nothing.
 */
export async function getRequest({ ctx, input }: { ctx: Ctx; input: GetRequestInput }): Promise<RequestDto> {
  const { requestId } = parseInput(GetRequestInput, input);
  const request = await getRequestInOrgOrThrow(ctx.db, ctx.orgId, requestId);
  if (!hasPermission(ctx, "requests.read.all")) {
    const actor = ctx.actor;
    // hasPermission is true for the system actor, so here the actor is a person.
    if (actor.type === "system") throw NotFound("Request");
    const own = request.requesterId === actor.userId && actor.permissions.has("requests.read.own");
    if (!own && !(await isGroupMember(ctx.db, ctx.orgId, actor.userId, request.approverGroup))) {
      throw NotFound("Request");
    }
  }
  return loadRequestDto(ctx.db, ctx.orgId, requestId);
}
