import { and, eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessReviewItems, accessReviews, apiTokens, auditEvents, groups, memberships } from "@/db/schema";
import { listTemplates } from "@/lib/catalog/list";
import { submitRequest } from "@/lib/requests/submit";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { startTestSmtp } from "@/lib/testing/smtp";
import { authenticateToken } from "@/lib/tokens/authenticate";
import { createApiToken } from "@/lib/tokens/create";
import {
  closeAccessReview,
  decideReviewItem,
  exportAccessReview,
  getAccessReview,
  listAccessReviews,
  remindAccessReviewers,
  startAccessReview,
} from "../reviews";
import { readMime } from "./mime";

let h: DbHandle;
let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
beforeAll(async () => {
  h = await openTestDb();
  smtp = await startTestSmtp();
});
afterAll(async () => {
  await smtp?.close();
  await h?.close();
});

async function campaign() {
  const org = await createTestOrg(h.db);
  const requester = await userCtx(h.db, org.users.requester);
  const token = await createApiToken({ ctx: requester, input: { name: "ci deploys" } });
  const admin = await userCtx(h.db, org.users.admin);
  const { id } = await startAccessReview({
    ctx: admin,
    input: { name: "Q4 review", remindEmails: ["owners@example.com"] },
  });
  return { org, admin, requester, token, id };
}

const itemOf = async (reviewId: string, kind: string, match: (label: string, subject: string) => boolean) => {
  const rows = await h.db
    .select()
    .from(accessReviewItems)
    .where(and(eq(accessReviewItems.reviewId, reviewId), eq(accessReviewItems.kind, kind as "token")));
  const row = rows.find((r) => match(r.label, r.subjectId));
  if (!row) throw new Error(`no ${kind} item`);
  return row;
};

describe("access reviews", () => {
  it("snapshots templates, approver-group memberships and live tokens", async () => {
    const { org, admin, id, token } = await campaign();
    const review = await getAccessReview({ ctx: admin, input: { reviewId: id } });
    const kinds = (k: string) => review.items.filter((i) => i.kind === k);
    expect(
      kinds("template")
        .map((i) => i.subjectId)
        .sort(),
    ).toEqual(org.templates.map((t) => t.key).sort());
    // The seeded policy's approver group is "approvers": approver and approver2 are in it.
    const approverEmails = kinds("membership").map((i) => i.label);
    expect(approverEmails.some((l) => l.startsWith(`${org.users.approver.email} in approvers`))).toBe(true);
    expect(approverEmails.some((l) => l.startsWith(`${org.users.approver2.email} in approvers`))).toBe(true);
    expect(approverEmails.some((l) => l.startsWith(org.users.requester.email))).toBe(false);
    expect(kinds("token").map((i) => i.subjectId)).toEqual([token.id]);
    expect(review.counts).toMatchObject({ pending: review.items.length, confirmed: 0, removed: 0 });
  });

  it("removal really removes: the template leaves the catalog and is refused, the membership is gone, the token stops working", async () => {
    const { org, admin, requester, id, token } = await campaign();
    const template = org.templates[0];
    const tItem = await itemOf(id, "template", (_, s) => s === template.key);
    await decideReviewItem({
      ctx: admin,
      input: { itemId: tItem.id, decision: "remove", comment: "unused" },
    });
    expect((await listTemplates({ ctx: requester })).map((t) => t.key)).not.toContain(template.key);
    await expect(
      submitRequest({
        ctx: requester,
        input: {
          targetId: org.targets.aws.id,
          templateId: template.id,
          durationMinutes: 30,
          justification: "after archive",
        },
      }),
    ).rejects.toMatchObject({ code: "validation", field: "templateId" });

    const mItem = await itemOf(id, "membership", (l) => l.startsWith(org.users.approver2.email));
    await decideReviewItem({ ctx: admin, input: { itemId: mItem.id, decision: "remove" } });
    const [group] = await h.db
      .select()
      .from(groups)
      .where(and(eq(groups.orgId, org.org.id), eq(groups.name, "approvers")));
    const left = await h.db.select().from(memberships).where(eq(memberships.groupId, group.id));
    expect(left.map((m) => m.userId)).not.toContain(org.users.approver2.id);

    // The token's owner reviews their own token.
    expect(await authenticateToken(h.db, token.token)).not.toBeNull();
    const kItem = await itemOf(id, "token", (_, s) => s === token.id);
    await decideReviewItem({ ctx: requester, input: { itemId: kItem.id, decision: "remove" } });
    expect(await authenticateToken(h.db, token.token)).toBeNull();
    const [t] = await h.db.select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(t.revokedAt).not.toBeNull();

    const actions = (
      await h.db
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(eq(auditEvents.orgId, org.org.id))
    ).map((a) => a.action);
    for (const a of ["access_review.started", "template.archived", "group.member_removed", "token.revoked"])
      expect(actions).toContain(a);
    expect(actions.filter((a) => a === "access_review.item_decided")).toHaveLength(3);
    expect((await listAccessReviews({ ctx: admin }))[0].counts).toMatchObject({ removed: 3 });
  });

  it("takes a form's fields as they come: addresses in one string, empty numbers as defaults", async () => {
    const org = await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    const { id } = await startAccessReview({
      ctx: admin,
      input: { name: "Form", dueInDays: "", remindEmails: "A@example.com, b@example.com" } as never,
    });
    const [row] = await h.db.select().from(accessReviews).where(eq(accessReviews.id, id));
    expect(row.remindEmails).toEqual(["a@example.com", "b@example.com"]);
    expect(Math.round((row.dueAt.getTime() - Date.now()) / 86_400_000)).toBe(14);
    await expect(
      startAccessReview({ ctx: admin, input: { name: "Bad", remindEmails: "not-an-address" } as never }),
    ).rejects.toMatchObject({ code: "validation" });
  });

  it("lets only the right reviewer decide, once, while the campaign is open", async () => {
    const { org, admin, requester, id, token } = await campaign();
    const tItem = await itemOf(id, "template", () => true);
    // A requester can neither decide a template nor see it in the campaign.
    await expect(
      decideReviewItem({ ctx: requester, input: { itemId: tItem.id, decision: "confirm" } }),
    ).rejects.toMatchObject({ code: "not_found" });
    const mine = await getAccessReview({ ctx: requester, input: { reviewId: id } });
    expect(mine.items.map((i) => i.subjectId)).toEqual([token.id]);
    // An approver cannot decide someone else's token.
    const kItem = await itemOf(id, "token", () => true);
    await expect(
      decideReviewItem({
        ctx: await userCtx(h.db, org.users.approver),
        input: { itemId: kItem.id, decision: "remove" },
      }),
    ).rejects.toMatchObject({ code: "not_found" });
    await decideReviewItem({ ctx: admin, input: { itemId: tItem.id, decision: "confirm" } });
    await expect(
      decideReviewItem({ ctx: admin, input: { itemId: tItem.id, decision: "remove" } }),
    ).rejects.toMatchObject({ code: "conflict" });
    await closeAccessReview({ ctx: admin, input: { reviewId: id } });
    await expect(
      decideReviewItem({ ctx: requester, input: { itemId: kItem.id, decision: "confirm" } }),
    ).rejects.toMatchObject({ code: "conflict" });
    await expect(
      decideReviewItem({ ctx: admin, input: { itemId: "nope", decision: "confirm" } }),
    ).rejects.toMatchObject({ code: "validation", field: "itemId" });
    await expect(startAccessReview({ ctx: requester, input: { name: "x" } })).rejects.toMatchObject({
      code: "forbidden",
    });
    // Another org's admin sees nothing of it.
    const other = await createTestOrg(h.db);
    await expect(
      getAccessReview({ ctx: await userCtx(h.db, other.users.admin), input: { reviewId: id } }),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("exports the campaign report as CSV, JSON and PDF", async () => {
    const { admin, id } = await campaign();
    const auditor = await userCtx(h.db, (await campaign()).org.users.auditor);
    await expect(
      exportAccessReview({ ctx: auditor, input: { reviewId: id, format: "csv" } }),
    ).rejects.toMatchObject({ code: "not_found" });
    const csv = await exportAccessReview({ ctx: admin, input: { reviewId: id, format: "csv" } });
    const lines = (csv.body as string).trim().split("\r\n");
    expect(lines[0]).toBe("kind,item,subject,decision,decided_by,decided_at,comment");
    expect(lines.length).toBeGreaterThan(3);
    const json = JSON.parse(
      (await exportAccessReview({ ctx: admin, input: { reviewId: id, format: "json" } })).body as string,
    );
    expect(json.controls.length).toBeGreaterThan(0);
    expect(json.items.length).toBe(lines.length - 1);
    const pdf = await exportAccessReview({ ctx: admin, input: { reviewId: id, format: "pdf" } });
    expect((await PDFDocument.load(pdf.body as Uint8Array)).getTitle()).toBe("Access review: Q4 review");
  });

  it("without a mail server, reminders wait: nothing is sent or marked, and they go once mail is set", async () => {
    const { org } = await campaign();
    const before = smtp.messages.length;
    expect(await remindAccessReviewers({ db: h.db, orgId: org.org.id })).toEqual({ reminded: 0, failed: 0 });
    expect(smtp.messages.length).toBe(before);
    expect(await remindAccessReviewers({ db: h.db, orgId: org.org.id, smtpUrl: smtp.url })).toEqual({
      reminded: 1,
      failed: 0,
    });
  });

  it("reminds token owners and the campaign's addresses by mail, once a day", async () => {
    const { org, id } = await campaign();
    const out = await remindAccessReviewers({
      db: h.db,
      orgId: org.org.id,
      smtpUrl: smtp.url,
      baseUrl: "https://elevate.example",
    });
    expect(out).toEqual({ reminded: 1, failed: 0 });
    const toOwner = smtp.messages.find((m) => m.to.includes(org.users.requester.email));
    const toOwners = smtp.messages.find((m) => m.to.includes("owners@example.com") && m.raw.includes(id));
    expect(toOwner).toBeDefined();
    expect(toOwners).toBeDefined();
    const body = readMime(toOwner!.raw).parts[0].body.toString("utf8");
    expect(body).toContain(`https://elevate.example/reviews/${id}`);
    expect(body).toContain("ci deploys");
    expect(await remindAccessReviewers({ db: h.db, orgId: org.org.id, smtpUrl: smtp.url })).toEqual({
      reminded: 0,
      failed: 0,
    });
  });
});
