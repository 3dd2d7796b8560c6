import { and, eq } from "drizzle-orm";
import { accessRequests } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { type Ctx, requirePerson } from "@/lib/ctx";
import { Conflict, parseInput } from "@/lib/errors";
import { loadRequestDto, type RequestDto } from "./dto";
import { getRequestInOrgOrThrow } from "./queries";
import { requestTransition } from "./request-state";
import { CancelInput } from "./schemas";
import { canSeeRequest, refuse } from "./visibility";

/** The requester withdraws their own request while it is still pending. Cancelling twice is a no-op. */
export async function cancelRequest({ ctx, input }: { ctx: Ctx; input: CancelInput }): Promise<RequestDto> {
  const actor = requirePerson(ctx);
  const { requestId } = parseInput(CancelInput, input);

  return ctx.db.transaction(async (tx) => {
    const request = await getRequestInOrgOrThrow(tx, ctx.orgId, requestId, { lock: true });
    if (request.requesterId !== actor.userId) {
      const visible = await canSeeRequest(tx, ctx, request);
      throw refuse(visible, "Request", "Only the requester can cancel a request");
    }
    if (request.status === "cancelled") return loadRequestDto(tx, ctx.orgId, requestId);

    const next = requestTransition(request.status, { type: "cancel" });
    if (!next.ok) throw Conflict(`Only a pending request can be cancelled; this one is ${request.status}`);
    const updated = await tx
      .update(accessRequests)
      .set({ status: next.to, updatedAt: new Date() })
      .where(
        and(
          eq(accessRequests.id, requestId),
          eq(accessRequests.orgId, ctx.orgId),
          eq(accessRequests.status, request.status),
        ),
      )
      .returning({ id: accessRequests.id });
    if (updated.length === 0) {
      // Someone moved it first: already cancelled counts as done, anything else is a conflict.
      const now = await getRequestInOrgOrThrow(tx, ctx.orgId, requestId);
      if (now.status !== "cancelled") throw Conflict(`This request is already ${now.status}`);
      return loadRequestDto(tx, ctx.orgId, requestId);
    }
    await appendAudit(tx, ctx, {
      action: "request.cancelled",
      subjectType: "request",
      subjectId: requestId,
      data: { from: request.status },
    });
    return loadRequestDto(tx, ctx.orgId, requestId);
  });
}
