import { and, count, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db, DbHandle } from "@/db/client";
import { accessRequests, approvals, auditEvents, grants } from "@/db/schema";
import { clearSandboxFaults, injectSandboxFault } from "@/lib/clouds/sandbox";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { decideRequest } from "@/lib/requests/decide";
import { submitRequest } from "@/lib/requests/submit";
import { type RecordingDriver, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { recordingDriver } from "@/lib/workflows/port";
import { executeRevocation } from "../../execute-revocation";
import { bindingsOf, grantRow } from "../fixtures";
import { resetKind, resetMidTransaction } from "./connection-reset";
import { activeGrant, auditCount, expectInvariants, expectNotUsable } from "./invariants";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => clearSandboxFaults());

async function auditRows(db: Db, orgId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.orgId, orgId));
  return row.n;
}

describe(`a database connection reset mid-transaction (${resetKind})`, () => {
  it(`database connection reset (${resetKind}) in revokeGrant: no change, no audit row, no event; the retry succeeds`, async () => {
    const s = await activeGrant(h.db);
    const admin = await userCtx(h.db, s.org.users.admin);
    const before = await auditRows(h.db, s.org.org.id);
    const err = await resetMidTransaction(h, s.org.org.id, (db) =>
      revokeGrant({ ctx: { ...admin, db }, input: { grantId: s.grant.id, reason: "incident" } }),
    );
    expect(err).toBeInstanceOf(Error);
    expect((await grantRow(h.db, s.grant.id)).status).toBe("active");
    expect(await auditRows(h.db, s.org.org.id)).toBe(before);
    expect(admin.workflows.events).toEqual([]);

    const dto = await revokeGrant({ ctx: admin, input: { grantId: s.grant.id, reason: "incident" } });
    expect(dto.status).toBe("revoking");
    expect(await auditCount(h.db, s.org.org.id, s.grant.id, "grant.revoke_requested")).toBe(1);
    expect(admin.workflows.events).toHaveLength(1);
    await expectInvariants(h.db, s.org.org.id);
  });

  it(`database connection reset (${resetKind}) in decideRequest: no approval, no grant, no audit row; the retry approves`, async () => {
    const org = await createTestOrg(h.db);
    const requester = await userCtx(h.db, org.users.requester);
    const req = await submitRequest({
      ctx: requester,
      input: {
        targetId: org.targets.aws.id,
        templateId: org.template("vm.ssh").id,
        resource: "i-0abc1234",
        durationMinutes: 60,
        justification: "INC-7",
      },
    });
    const approver = await userCtx<RecordingDriver>(h.db, org.users.approver, recordingDriver());
    const before = await auditRows(h.db, org.org.id);
    const err = await resetMidTransaction(h, org.org.id, (db) =>
      decideRequest({ ctx: { ...approver, db }, input: { requestId: req.id, verdict: "approve" } }),
    );
    expect(err).toBeInstanceOf(Error);
    const [r] = await h.db.select().from(accessRequests).where(eq(accessRequests.id, req.id));
    expect(r.status).toBe("pending");
    expect(await h.db.select().from(approvals).where(eq(approvals.requestId, req.id))).toEqual([]);
    expect(await h.db.select().from(grants).where(eq(grants.requestId, req.id))).toEqual([]);
    expect(await auditRows(h.db, org.org.id)).toBe(before);
    expect(approver.workflows.events).toEqual([]);

    const dto = await decideRequest({ ctx: approver, input: { requestId: req.id, verdict: "approve" } });
    expect(dto.status).toBe("approved");
    expect(approver.workflows.events).toHaveLength(1);
    await expectInvariants(h.db, org.org.id);
  });

  it(`database connection reset (${resetKind}) in the revocation's final commit: still revoking, no grant.revoked; the retry revokes once`, async () => {
    const s = await activeGrant(h.db);
    // A first attempt fails in the cloud, so the grant is `revoking` and the next run audits only at the end.
    injectSandboxFault(s.target.id, { op: "unbind", kind: "retryable", times: 1 });
    await executeRevocation({ ctx: s.ctx, input: { grantId: s.grant.id, reason: "done" } });
    const before = await auditRows(h.db, s.org.org.id);
    const err = await resetMidTransaction(h, s.org.org.id, (db) =>
      executeRevocation({ ctx: { ...s.ctx, db }, input: { grantId: s.grant.id } }),
    );
    expect(err).toBeInstanceOf(Error);
    const g = await grantRow(h.db, s.grant.id);
    expect(g).toMatchObject({ status: "revoking", revokedAt: null });
    expect(g.evidence.removal).toBeUndefined();
    expect(await auditRows(h.db, s.org.org.id)).toBe(before);
    // The cloud side happened before the commit: access is gone even though the row says revoking.
    expect(await bindingsOf(h.db, s.target.id)).toEqual([]);
    await expectNotUsable(h.db, s, new Date());

    expect((await executeRevocation({ ctx: s.ctx, input: { grantId: s.grant.id } })).status).toBe("revoked");
    const terminal = await h.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, s.grant.id), eq(auditEvents.action, "grant.revoked")));
    expect(terminal).toHaveLength(1);
    await expectInvariants(h.db, s.org.org.id);
  });
});
