import type { Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/errors";
import { type GrantUsageDto, getGrantUsage } from "./grant-usage";

/** Used versus granted for each of a request's grants this person may read (others are left out). */
export async function listGrantUsage({
  ctx,
  grantIds,
}: {
  ctx: Ctx;
  grantIds: string[];
}): Promise<GrantUsageDto[]> {
  const out: GrantUsageDto[] = [];
  for (const grantId of grantIds) {
    try {
      out.push(await getGrantUsage({ ctx, input: { grantId } }));
    } catch (err) {
      if (!(err instanceof AppError && err.code === "not_found")) throw err;
    }
  }
  return out;
}
