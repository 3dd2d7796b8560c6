import { and, eq, type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { approvals, grants } from "@/db/schema";
import { provisionGrant } from "@/lib/grants/provision";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { decideRequest } from "../decide";
import { loadRequestDto, loadRequestDtos } from "../dto";
import { listRequests } from "../list-requests";
import { submitAs } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("loadRequestDto (one query: approvals and grants as JSON)", () => {
  it("orders approvals and grants by created_at then id, with ISO dates read like the drivers read them", async () => {
    const org = await createTestOrg(h.db, { approvalsRequired: 2 });
    const req = await submitAs(h.db, org);
    for (const who of ["approver", "approver2"] as const) {
      await decideRequest({
        ctx: await userCtx(h.db, org.users[who]),
        input: { requestId: req.id, verdict: "approve", comment: who },
      });
    }
    // The second decision gets the earlier instant, one microsecond apart: the order is the database's, not
    // insertion order, and microseconds (which JSON carries) are cut to milliseconds as the drivers' Dates are.
    const at = new Date("2030-01-01T00:00:00.000Z");
    const setApproval = (who: "approver" | "approver2", createdAt: Date | SQL) =>
      h.db
        .update(approvals)
        .set({ createdAt })
        .where(and(eq(approvals.requestId, req.id), eq(approvals.approverId, org.users[who].id)));
    await setApproval("approver2", at);
    await setApproval("approver", sql`${at.toISOString()}::timestamptz + interval '1 microsecond'`);
    const [grant] = await h.db.select().from(grants).where(eq(grants.requestId, req.id));
    await provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId: grant.id } });
    await h.db
      .update(grants)
      .set({ activatedAt: sql`'2030-01-02T03:04:05.678999Z'::timestamptz` })
      .where(eq(grants.id, grant.id));
    // A second grant of the same request (another target), created earlier: it comes first.
    const {
      id: _id,
      targetId: _t,
      createdAt,
      ...rest
    } = (await h.db.select().from(grants).where(eq(grants.id, grant.id)))[0];
    const [earlier] = await h.db
      .insert(grants)
      .values({ ...rest, targetId: org.targets.gcp.id, createdAt: new Date(createdAt.getTime() - 1000) })
      .returning();

    const dto = await loadRequestDto(h.db, org.org.id, req.id);
    expect(dto.approvals).toEqual([
      {
        approverId: org.users.approver2.id,
        approverName: "Jordan Approver",
        verdict: "approve",
        comment: "approver2",
        channel: "web",
        createdAt: "2030-01-01T00:00:00.000Z",
      },
      {
        approverId: org.users.approver.id,
        approverName: "Avery Approver",
        verdict: "approve",
        comment: "approver",
        channel: "web",
        createdAt: "2030-01-01T00:00:00.000Z",
      },
    ]);
    expect(dto.grants.map((g) => [g.id, g.target.id])).toEqual([
      [earlier.id, org.targets.gcp.id],
      [grant.id, org.targets.aws.id],
    ]);
    const [row] = await h.db.select().from(grants).where(eq(grants.id, grant.id));
    expect(dto.grants[1]).toMatchObject({
      status: "active",
      activatedAt: "2030-01-02T03:04:05.678Z",
      expiresAt: row.expiresAt?.toISOString(),
      revokedAt: null,
      durationMinutes: 60,
      user: { id: org.users.requester.id, email: expect.any(String) },
      target: { id: org.targets.aws.id, name: "aws-sandbox-prod", cloud: "aws" },
      roleName: row.roleSpec.roleName,
      roleDocument: row.roleSpec.document,
      permissions: row.roleSpec.permissions,
      resource: "i-0abc1234",
      evidence: row.evidence,
    });
    expect(dto.grants[1].expiresAt).toMatch(ISO);
    expect(dto.createdAt).toMatch(ISO);
    expect(dto.decidedAt).toMatch(ISO);

    // The very same instant: the approval id breaks the tie.
    await setApproval("approver", at);
    const byId = await h.db
      .select({ approverId: approvals.approverId })
      .from(approvals)
      .where(eq(approvals.requestId, req.id))
      .orderBy(approvals.id);
    expect((await loadRequestDto(h.db, org.org.id, req.id)).approvals.map((a) => a.approverId)).toEqual(
      byId.map((a) => a.approverId),
    );

    // Every list path builds the very same DTO, in the order asked for.
    const other = await submitAs(h.db, org);
    expect(
      (await loadRequestDtos(h.db, org.org.id, [other.id, crypto.randomUUID(), req.id])).map((d) => d.id),
    ).toEqual([other.id, req.id]);
    const { items } = await listRequests({
      ctx: await userCtx(h.db, org.users.requester),
      input: { scope: "mine" },
    });
    expect(items.map((i) => i.id)).toEqual([other.id, req.id]);
    expect(items[1]).toEqual(await loadRequestDto(h.db, org.org.id, req.id));
  });
});
