import { targets } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { Conflict } from "@/lib/errors";
import { publicSettings, type TargetDetailDto, toTargetDto } from "./dto";
import { type ConnectTargetInput, parseConnect } from "./schemas";

/**
 * Connects an AWS account, GCP project or Azure subscription. Settings hold credentials only by
 * reference (environment variable names); an inline secret is refused naming its field. Names are
 * unique per organization.
 */
export async function connectTarget({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ConnectTargetInput;
}): Promise<TargetDetailDto> {
  assertPermission(ctx, "targets.manage");
  const t = parseConnect(input);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(targets)
      .values({
        orgId: ctx.orgId,
        name: t.name,
        cloud: t.cloud,
        adapter: t.adapter,
        externalId: t.externalId,
        settings: t.settings as Record<string, unknown>,
      })
      .onConflictDoNothing({ target: [targets.orgId, targets.name] })
      .returning();
    if (!row) throw Conflict(`A target named "${t.name}" already exists`);
    await appendAudit(tx, ctx, {
      action: "target.connected",
      subjectType: "target",
      subjectId: row.id,
      data: {
        name: row.name,
        cloud: row.cloud,
        adapter: row.adapter,
        externalId: row.externalId,
        settings: publicSettings(row.settings),
      },
    });
    return toTargetDto(row);
  });
}
