import { z } from "zod";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { AppError, parseInput } from "@/lib/errors";
import { decideRequest } from "./decide";
import { loadRequestDtos } from "./dto";

export const ApproveManyInput = z.object({
  requestIds: z.array(z.uuid()).min(1, "pick at least one request").max(50),
  comment: z.string().trim().max(2000).optional(),
});
export type ApproveManyInput = z.input<typeof ApproveManyInput>;

export type ApproveManyResult = {
  requestId: string;
  ok: boolean;
  status?: string;
  error?: { code: string; message: string };
};

/**
 * Bulk approval, for low-risk requests only (a higher-risk one deserves its own look). Each request is
 * decided by decideRequest in its own transaction, so every rule (no self-approval, quorum, group
 * membership) applies per item and one refusal does not undo the others.
 */
export async function approveMany({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ApproveManyInput;
}): Promise<{ results: ApproveManyResult[] }> {
  assertPermission(ctx, "requests.approve");
  const { requestIds, comment } = parseInput(ApproveManyInput, input);
  const ids = [...new Set(requestIds)];
  // The DTO's risk covers both kinds of request: a template's, or the catalog's for explicit permissions.
  const rows = await loadRequestDtos(ctx.db, ctx.orgId, ids);
  const risk = new Map(rows.map((r) => [r.id, r.risk]));

  const results: ApproveManyResult[] = [];
  for (const requestId of ids) {
    const level = risk.get(requestId);
    if (!level) {
      results.push({ requestId, ok: false, error: { code: "not_found", message: "Request not found" } });
      continue;
    }
    if (level !== "low") {
      const message = `A ${level}-risk request must be approved on its own`;
      results.push({ requestId, ok: false, error: { code: "validation", message } });
      continue;
    }
    try {
      const dto = await decideRequest({
        ctx,
        input: { requestId, verdict: "approve", comment, channel: "web" },
      });
      results.push({ requestId, ok: true, status: dto.status });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      results.push({ requestId, ok: false, error: { code: e.code, message: e.message } });
    }
  }
  return { results };
}
