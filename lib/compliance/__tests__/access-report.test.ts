import { and, eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, grants, sandboxBindings } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { clearSandboxFaults, injectSandboxFault } from "@/lib/clouds/sandbox";
import { executeRevocation } from "@/lib/grants/execute-revocation";
import { provisionGrant } from "@/lib/grants/provision";
import { decideRequest } from "@/lib/requests/decide";
import { submitRequest } from "@/lib/requests/submit";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { BREAK_GLASS, buildAccessReport, renderAccessReport, SELF_APPROVAL_REFUSED } from "..";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => clearSandboxFaults());

const period = () => ({
  from: new Date(Date.now() - 86_400_000).toISOString(),
  to: new Date(Date.now() + 86_400_000).toISOString(),
});

/** Parses a CSV (RFC 4180: quoted fields, doubled quotes, CRLF) into rows, independently of lib/audit/csv. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  return rows;
}

async function scenario() {
  const org = await createTestOrg(h.db);
  const aws = org.targets.aws;
  const template = org.templates[0];
  // One grant that lived and was removed on expiry, one still live.
  const done = await activeGrantFor(h.db, org, "requester", { targetId: aws.id, templateId: template.id });
  const [row] = await h.db.select().from(grants).where(eq(grants.id, done.grantId));
  await executeRevocation({
    ctx: systemCtx(h.db, org.org.id),
    input: { grantId: done.grantId },
    asOf: new Date(row.expiresAt!.getTime() + 1),
  });
  const live = await activeGrantFor(h.db, org, "approver", { targetId: aws.id, templateId: template.id });
  // A refused self-approval, through the real decide verb.
  const own = await submitRequest({
    ctx: await userCtx(h.db, org.users.approver),
    input: {
      targetId: aws.id,
      templateId: template.id,
      durationMinutes: 30,
      justification: "self approval attempt",
    },
  });
  await expect(
    decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: own.id, verdict: "approve" },
    }),
  ).rejects.toThrow(/own request/);
  // A grant whose provisioning failed: the sandbox refuses the binding permanently.
  const failing = await submitRequest({
    ctx: await userCtx(h.db, org.users.requester),
    input: { targetId: aws.id, templateId: template.id, durationMinutes: 30, justification: "will fail" },
  });
  const decided = await decideRequest({
    ctx: await userCtx(h.db, org.users.approver),
    input: { requestId: failing.id, verdict: "approve" },
  });
  injectSandboxFault(aws.id, { op: "bind", kind: "permanent", times: 5 });
  await provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId: decided.grants[0].id } });
  // Break-glass is emitted by another area with exactly this action; appended here as it would be.
  await h.db.transaction((tx) =>
    appendAudit(
      tx,
      { actor: { type: "system", job: "test" }, orgId: org.org.id },
      { action: BREAK_GLASS, subjectType: "request", subjectId: own.id },
    ),
  );
  return { org, done, live, own, failedGrantId: decided.grants[0].id };
}

describe("access report", () => {
  it("lists each grant with approvals and removal proof, lateness, failures, self-approvals, break-glass and standing access", async () => {
    const s = await scenario();
    const auditor = await userCtx(h.db, s.org.users.auditor);
    const report = await buildAccessReport({ ctx: auditor, input: { ...period(), by: "person" } });

    const rows = report.access.flatMap((g) => g.rows);
    expect(rows.map((r) => r.grantId).sort()).toEqual([s.done.grantId, s.live.grantId].sort());
    const done = rows.find((r) => r.grantId === s.done.grantId)!;
    expect(report.access.map((g) => g.key).sort()).toEqual(
      [s.org.users.approver.email, s.org.users.requester.email].sort(),
    );
    expect(done.approvals).toEqual([
      expect.objectContaining({ approver: s.org.users.approver.email, verdict: "approve" }),
    ]);
    expect(done.removal).toMatchObject({ absentOnReadBack: true });
    expect(done.removal!.cloudRequestIds.length).toBeGreaterThan(0);
    expect(rows.find((r) => r.grantId === s.live.grantId)!.removal).toBeNull();

    expect(report.lateness.count).toBe(1);
    expect(report.lateness.buckets.reduce((a, b) => a + b.count, 0)).toBe(1);

    expect(report.failures).toEqual([
      expect.objectContaining({ grantId: s.failedGrantId, status: "failed" }),
    ]);
    expect(report.failures[0].events.some((e) => e.startsWith("grant.failed"))).toBe(true);

    expect(report.selfApprovals).toEqual([
      expect.objectContaining({ requestId: s.own.id, person: s.org.users.approver.email }),
    ]);
    const [refusal] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, SELF_APPROVAL_REFUSED), eq(auditEvents.subjectId, s.own.id)));
    expect(refusal.actorId).toBe(s.org.users.approver.id);

    expect(report.breakGlass.count).toBe(1);
    expect(report.standingAccess).toMatchObject({ accounted: true, unaccounted: [], errors: [] });
    expect(report.standingAccess.bindings).toBe(1); // the live grant's binding, in the sandbox cloud
    for (const key of ["access", "lateness", "failures", "selfApproval", "breakGlass", "standingAccess"]) {
      expect(report.controls[key].length, key).toBeGreaterThan(0);
    }

    const byTemplate = await buildAccessReport({ ctx: auditor, input: { ...period(), by: "template" } });
    expect(byTemplate.access).toHaveLength(1);
    expect(byTemplate.access[0]).toMatchObject({ key: `${s.org.templates[0].key} v1`, grants: 2 });
  });

  it("states unaccounted standing access: a tagged binding in the cloud with no live grant", async () => {
    const org = await createTestOrg(h.db);
    const live = await activeGrantFor(h.db, org, "requester", {
      targetId: org.targets.gcp.id,
      templateId: org.templates[0].id,
    });
    const [b] = await h.db
      .select()
      .from(sandboxBindings)
      .where(eq(sandboxBindings.targetId, org.targets.gcp.id));
    const stray = "00000000-0000-4000-8000-000000000001";
    await h.db
      .insert(sandboxBindings)
      .values({ ...b, id: undefined, bindingId: `${b.bindingId}-copy`, tags: { "elevate:grant": stray } });
    const report = await buildAccessReport({ ctx: await userCtx(h.db, org.users.auditor), input: period() });
    expect(report.standingAccess.accounted).toBe(false);
    expect(report.standingAccess.unaccounted).toEqual([
      { target: org.targets.gcp.name, kind: "binding", name: `${b.bindingId}-copy`, grantId: stray },
    ]);
    expect(live.grantId).toBeTruthy();
  });

  it("exports the same report as CSV, JSON and a PDF that names the sections and controls", async () => {
    const s = await scenario();
    const report = await buildAccessReport({
      ctx: await userCtx(h.db, s.org.users.auditor),
      input: period(),
    });
    const json = await renderAccessReport(report, "json");
    expect(JSON.parse(json.body as string)).toEqual(report);
    const csv = await renderAccessReport(report, "csv");
    const table = parseCsv(csv.body as string);
    expect(table[0].slice(0, 3)).toEqual(["section", "group", "grant_id"]);
    expect(
      table
        .filter((r) => r[0] === "access")
        .map((r) => r[2])
        .sort(),
    ).toEqual([s.done.grantId, s.live.grantId].sort());
    expect(table.find((r) => r[0] === "self_approval_refused")?.[3]).toBe(s.own.id);
    expect(new Set(table.map((r) => r.length)).size).toBe(1);
    const pdf = await renderAccessReport(report, "pdf");
    expect(pdf.contentType).toBe("application/pdf");
    const doc = await PDFDocument.load(pdf.body as Uint8Array);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(doc.getTitle()).toBe("Elevate access report");
  });

  it("refuses a requester, and bad periods with the field named", async () => {
    const org = await createTestOrg(h.db);
    await expect(
      buildAccessReport({ ctx: await userCtx(h.db, org.users.requester), input: period() }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const auditor = await userCtx(h.db, org.users.auditor);
    await expect(
      buildAccessReport({ ctx: auditor, input: { from: "2026-11-02", to: "2026-11-01" } }),
    ).rejects.toMatchObject({ code: "validation", field: "to" });
    await expect(
      buildAccessReport({ ctx: auditor, input: { from: "yesterday", to: "2026-11-01" } }),
    ).rejects.toMatchObject({ code: "validation", field: "from" });
    await expect(
      buildAccessReport({ ctx: auditor, input: { from: "2024-01-01", to: "2026-11-01" } }),
    ).rejects.toMatchObject({ code: "validation", field: "to" });
  });

  it("does not see another organization's grants", async () => {
    const s = await scenario();
    const other = await createTestOrg(h.db);
    const report = await buildAccessReport({
      ctx: await userCtx(h.db, other.users.auditor),
      input: period(),
    });
    expect(report.access).toEqual([]);
    expect(report.selfApprovals).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(s.org.org.id).not.toBe(other.org.id);
  });
});
