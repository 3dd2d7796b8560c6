import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { type TargetDetailDto, toTargetDto } from "./dto";
import { TargetIdInput } from "./schemas";

/** One target with its connection settings (credential references only), for those who manage targets. */
export async function getTarget({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { targetId: string };
}): Promise<TargetDetailDto> {
  assertPermission(ctx, "targets.manage");
  const { targetId } = parseInput(TargetIdInput, input);
  return toTargetDto(await getTargetInOrgOrThrow(ctx.db, ctx.orgId, targetId));
}
