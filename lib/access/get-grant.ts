import { type Ctx, hasPermission } from "@/lib/ctx";
import { NotFound, parseInput } from "@/lib/errors";
import { type GrantDto, loadGrantDto } from "./dto";
import { getGrantInOrgOrThrow } from "./queries";
import { GetGrantInput } from "./schemas";

/** One grant: visible to its own user and to holders of `grants.read.all`; NotFound for anyone else. */
export async function getGrant({ ctx, input }: { ctx: Ctx; input: GetGrantInput }): Promise<GrantDto> {
  const { grantId } = parseInput(GetGrantInput, input);
  const grant = await getGrantInOrgOrThrow(ctx.db, ctx.orgId, grantId);
  if (!hasPermission(ctx, "grants.read.all")) {
    const actor = ctx.actor;
    const own =
      actor.type !== "system" && actor.userId === grant.userId && actor.permissions.has("grants.read.own");
    if (!own) throw NotFound("Grant");
  }
  return loadGrantDto(ctx.db, ctx.orgId, grantId);
}
