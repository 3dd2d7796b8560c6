import type { Ctx } from "@/lib/ctx";
import { NotFound, parseInput } from "@/lib/errors";
import { type GrantDto, loadGrantDto } from "../requests/dto";
import { getGrantInOrgOrThrow } from "../requests/queries";
import { canSeeGrant } from "../requests/visibility";
import { GetGrantInput } from "./schemas";

/** One grant: visible to its own user and to holders of `grants.read.all`; NotFound for anyone else. */
export async function getGrant({ ctx, input }: { ctx: Ctx; input: GetGrantInput }): Promise<GrantDto> {
  const { grantId } = parseInput(GetGrantInput, input);
  const grant = await getGrantInOrgOrThrow(ctx.db, ctx.orgId, grantId);
  if (!canSeeGrant(ctx, grant)) throw NotFound("Grant");
  return loadGrantDto(ctx.db, ctx.orgId, grantId);
}
