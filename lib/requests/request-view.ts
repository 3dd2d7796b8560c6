import { and, eq, inArray } from "drizzle-orm";
import { targets } from "@/db/schema";
import { type CapacityNoteDto, capacityNote } from "@/lib/capacity/note";
import type { Ctx } from "@/lib/ctx";
import { type UsageDto, usageFor } from "../grants/access-instructions";
import type { RequestDto } from "./dto";
import { getRequest } from "./get-request";
import type { GetRequestInput } from "./schemas";

export type RequestViewDto = {
  request: RequestDto;
  /** The viewer asked for it: they may cancel it while pending and give back its grants. */
  mine: boolean;
  /** By grant id, for grants that may hold access now. */
  usage: Record<string, UsageDto>;
  /** For an approver of a pending request: what approving would use of the target's role limits. */
  capacity: CapacityNoteDto | null;
};

/** The request detail page's data: getRequest's visibility rules, plus how to use each live grant. */
export async function getRequestView({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: GetRequestInput;
}): Promise<RequestViewDto> {
  const request = await getRequest({ ctx, input });
  const mine = ctx.actor.type !== "system" && ctx.actor.userId === request.requester.id;
  const usage: Record<string, UsageDto> = {};
  const live = mine ? request.grants.filter((g) => g.status === "active") : [];
  if (live.length) {
    const rows = await ctx.db
      .select({
        id: targets.id,
        cloud: targets.cloud,
        externalId: targets.externalId,
        adapter: targets.adapter,
      })
      .from(targets)
      .where(
        and(
          eq(targets.orgId, ctx.orgId),
          inArray(
            targets.id,
            live.map((g) => g.target.id),
          ),
        ),
      );
    const byId = new Map(rows.map((t) => [t.id, t]));
    for (const g of live) {
      const t = byId.get(g.target.id);
      if (t) usage[g.id] = usageFor(g, t, ctx.orgId);
    }
  }
  const capacity = request.status === "pending" && !mine ? await capacityNote(ctx, request.id) : null;
  return { request, mine, usage, capacity };
}
