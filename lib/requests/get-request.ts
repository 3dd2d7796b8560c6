import type { Ctx } from "@/lib/ctx";
import { NotFound, parseInput } from "@/lib/errors";
import { loadRequestDto, type RequestDto } from "./dto";
import { getRequestInOrgOrThrow } from "./queries";
import { GetRequestInput } from "./schemas";
import { canSeeRequest } from "./visibility";

/**
 * One request: visible to its requester, to holders of `requests.read.all`, and to current members of its
 * approver group. Anyone else gets NotFound, so ids reveal nothing.
 */
export async function getRequest({ ctx, input }: { ctx: Ctx; input: GetRequestInput }): Promise<RequestDto> {
  const { requestId } = parseInput(GetRequestInput, input);
  const request = await getRequestInOrgOrThrow(ctx.db, ctx.orgId, requestId);
  if (!(await canSeeRequest(ctx.db, ctx, request))) throw NotFound("Request");
  return loadRequestDto(ctx.db, ctx.orgId, requestId);
}
