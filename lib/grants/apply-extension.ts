import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type GrantExtensionEvidence, grants } from "@/db/schema";
import { bindingIdFor, CloudError } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import type { Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { logger } from "@/lib/log";
import { getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { backoffMs, LEASE_MS } from "./backoff";
import { bindingSpecFor } from "./binding-spec";
import { asCloudError } from "./provision-failure";
import { assertSystem, type GrantOutcome, type GrantRow, principalFor, reread, toOutcome } from "./queries";

export const ApplyExtensionInput = z.object({ grantId: z.uuid() });
export type ApplyExtensionInput = z.input<typeof ApplyExtensionInput>;

// Retries of a failed re-bind: short, because until it works the user's access ends at the old expiry.
const EXTEND_BACKOFF = { baseMs: 5_000, capMs: 60_000 } as const;
/** Another extension landing while we bind makes us bind again; this bounds that loop. */
const MAX_ROUNDS = 3;

/**
 * Carries an extension (already in the database) to the cloud: re-binds the grant with the new expiry as its
 * cloud-enforced notAfter, reads it back, and records `evidence.extensions[]`. Until this succeeds the cloud
 * still ends access at the old expiry (fail safe). Idempotent; a no-op when nothing is owed. A failure marks
 * `nextAttemptAt` so the reconciler calls this again.
 */
export async function applyExtension({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ApplyExtensionInput;
}): Promise<GrantOutcome> {
  assertSystem(ctx);
  const { grantId } = parseInput(ApplyExtensionInput, input);
  let g = await reread(ctx.db, ctx.orgId, grantId);
  // After a lost race our late bind may have overwritten a newer expiry, so bind again even if none is owed.
  let again = false;
  for (let round = 0; round < MAX_ROUNDS && bindable(g) && (again || owed(g)); round++) {
    const claimed = await claim(ctx, g);
    const done = claimed ? await rebind(ctx, claimed) : null;
    if (done && done.status !== "moved") return toOutcome(done.row);
    g = done?.row ?? (await reread(ctx.db, ctx.orgId, grantId));
    again = true;
  }
  return toOutcome(g);
}

/** The notAfter the cloud was last given by an extension (null: only the provisioning bind). */
function lastBoundExpiry(g: GrantRow): string | null {
  return g.evidence.extensions?.at(-1)?.to ?? null;
}

/** Only an active grant not yet due is re-bound: a due one is revocation's business. */
function bindable(g: GrantRow): boolean {
  return g.status === "active" && g.expiresAt !== null && g.expiresAt.getTime() > Date.now();
}

/**
 * Is a re-bind owed? Marked by extendGrant (`nextAttemptAt`), or the last recorded extension is not the expiry
 * the database holds. A grant never extended owes nothing: its provisioning bind carries its expiry.
 */
function owed(g: GrantRow): boolean {
  const bound = lastBoundExpiry(g);
  return g.nextAttemptAt !== null || (bound !== null && bound !== g.expiresAt?.toISOString());
}

/** Takes a lease (so the reconciler leaves the grant alone meanwhile), guarded on the expiry we will bind. */
async function claim(ctx: Ctx, g: GrantRow): Promise<GrantRow | null> {
  const now = new Date();
  const [row] = await ctx.db
    .update(grants)
    .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS), updatedAt: now })
    .where(expectAt(ctx, g))
    .returning();
  return row ?? null;
}

const expectAt = (ctx: Ctx, g: GrantRow) =>
  and(
    eq(grants.id, g.id),
    eq(grants.orgId, ctx.orgId),
    eq(grants.status, "active"),
    eq(grants.expiresAt, g.expiresAt as Date),
  );

/** `moved`: extended again while we bound, so bind again; otherwise `row` is the final state. */
type Rebind = { status: "done" | "moved"; row: GrantRow };

async function rebind(ctx: Ctx, g: GrantRow): Promise<Rebind> {
  const notAfter = g.expiresAt as Date;
  const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, g.targetId);
  const adapter = adapterFor(ctx.db, target);
  let entry: GrantExtensionEvidence;
  try {
    const principal = await principalFor(ctx.db, ctx.orgId, g.userId, target);
    const binding = bindingSpecFor(g, g.roleSpec.roleName, principal, notAfter);
    const bound = await adapter.bind(target, binding);
    const seen = await adapter.inspect(target, bound.bindingId);
    if (!seen.present) throw new CloudError("retryable", "binding not visible on read-back after re-bind");
    // Clouds round the expiry down to the second at most; anything earlier means the move did not take.
    if (seen.notAfter && Date.parse(seen.notAfter) < notAfter.getTime() - 1000) {
      throw new CloudError("retryable", `binding still expires at ${seen.notAfter} after re-bind`);
    }
    entry = {
      from: lastBoundExpiry(g) ?? provisionedExpiry(g),
      to: notAfter.toISOString(),
      requestIds: [...bound.requestIds, ...seen.requestIds],
      inspected: { present: seen.present, notAfter: seen.notAfter, raw: seen.raw },
      at: new Date().toISOString(),
    };
  } catch (e) {
    return { status: "done", row: await onFailure(ctx, g, asCloudError(e)) };
  }

  const now = new Date();
  const [row] = await ctx.db
    .update(grants)
    .set({
      // Recorded once per expiry: a concurrent run that bound the same expiry has already written it.
      evidence: sql`case when coalesce(${grants.evidence}->'extensions', '[]'::jsonb) @> ${JSON.stringify([{ to: entry.to }])}::jsonb
        then ${grants.evidence}
        else jsonb_set(${grants.evidence}, '{extensions}', coalesce(${grants.evidence}->'extensions', '[]'::jsonb) || ${JSON.stringify([entry])}::jsonb) end`,
      nextAttemptAt: null,
      lastError: null,
      updatedAt: now,
    })
    .where(expectAt(ctx, g))
    .returning();
  if (row) return { status: "done", row };

  const current = await reread(ctx.db, ctx.orgId, g.id);
  if (current.status !== "active") {
    // Revoked (or revoking) while we bound: our bind may have put access back after the unbind; take it away.
    await adapter
      .unbind(target, bindingFor(g))
      .catch((err: unknown) =>
        logger.error(
          { alert: true, grantId: g.id, err },
          "re-bound binding left for the revocation retry and drift check",
        ),
      );
    return { status: "done", row: current };
  }
  // Extended again meanwhile: bind the newer expiry (our late bind may have overwritten it).
  return { status: "moved", row: current };
}

const bindingFor = (g: GrantRow) => g.bindingId ?? bindingIdFor(g.id);

function provisionedExpiry(g: GrantRow): string | null {
  const inspected = g.evidence.provision?.inspected as { notAfter?: unknown } | undefined;
  return typeof inspected?.notAfter === "string" ? inspected.notAfter : null;
}

/** Keeps the debt marked, a little later; the old cloud expiry still holds, so nothing is exposed. */
async function onFailure(ctx: Ctx, g: GrantRow, err: CloudError): Promise<GrantRow> {
  const retryAt = new Date(Date.now() + backoffMs(1, { ...EXTEND_BACKOFF, retryAfterMs: err.retryAfterMs }));
  logger.warn({ grantId: g.id, kind: err.kind, err }, "extension not applied in the cloud yet; will retry");
  const [row] = await ctx.db
    .update(grants)
    .set({
      nextAttemptAt: retryAt,
      lastError: `extend: ${err.message}`.slice(0, 1000),
      updatedAt: new Date(),
    })
    .where(expectAt(ctx, g))
    .returning();
  return row ?? (await reread(ctx.db, ctx.orgId, g.id));
}
