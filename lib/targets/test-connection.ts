import { appendAudit } from "@/lib/audit/append";
import { CLOUD_SCOPES } from "@/lib/clouds/kinds";
import { CloudError, type TargetRow } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { logger } from "@/lib/log";
import { getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { describeConnectionError } from "./describe-error";
import type { ConnectionCheckDto } from "./dto";
import { TargetIdInput } from "./schemas";

/** A connection test must answer while the admin waits; the adapters' own retries fit well inside. */
export const TEST_TIMEOUT_MS = 20_000;

const SCOPE = CLOUD_SCOPES;

/**
 * Checks a target's connection with the cheapest read-only call every adapter has (`listManaged`):
 * it proves the endpoint answers, the credentials are accepted and Elevate may read what it manages.
 * The outcome is audited, failures included; secrets never appear in the message.
 */
export async function testTargetConnection({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { targetId: string };
}): Promise<ConnectionCheckDto> {
  assertPermission(ctx, "targets.manage");
  const { targetId } = parseInput(TargetIdInput, input);
  const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, targetId);
  const result = await check(ctx, target);
  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx, {
      action: "target.tested",
      subjectType: "target",
      subjectId: target.id,
      data: { ok: result.ok, message: result.message, requestIds: result.requestIds },
    }),
  );
  return result;
}

async function check(ctx: Ctx, target: TargetRow): Promise<ConnectionCheckDto> {
  const scope = `${SCOPE[target.cloud]} ${target.externalId}`;
  const done = (ok: boolean, message: string, requestIds: string[]) => ({
    ok,
    checkedAt: new Date().toISOString(),
    message,
    requestIds,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const adapter = adapterFor(ctx.db, target);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CloudError("retryable", `no answer within ${TEST_TIMEOUT_MS / 1000} s`)),
        TEST_TIMEOUT_MS,
      );
    });
    const managed = await Promise.race([adapter.listManaged(target), timeout]);
    const what =
      target.adapter === "sandbox"
        ? "the sandbox answered"
        : `connected to ${scope} through the ${target.adapter} API`;
    return done(
      true,
      `OK: ${what}; ${managed.roles.length} role(s) and ${managed.bindings.length} binding(s) managed by Elevate`,
      managed.requestIds,
    );
  } catch (err) {
    const requestId = err instanceof CloudError ? err.requestId : undefined;
    const message = describeConnectionError(target.cloud, scope, err);
    // Not the error object: SDK errors can carry the request's Authorization header.
    logger.info({ orgId: target.orgId, targetId: target.id, message }, "target connection test failed");
    return done(false, message, requestId ? [requestId] : []);
  } finally {
    clearTimeout(timer);
  }
}
