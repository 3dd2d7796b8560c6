import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { taskTemplates } from "@/db/schema";
import { listAuditEvents } from "@/lib/audit/list";
import { createTemplate } from "@/lib/templates";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { extendGrant } from "../../grants/extend-grant";
import { revokeGrant } from "../../grants/revoke-grant";
import { decideRequest } from "../decide";
import { submitRequest } from "../submit";
import { counts, expectAppError, submitAs, validInput } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

// No resource: these tests are about text, not how the role builder narrows a resource.
const NO_RESOURCE = { resource: null };

// NUL cannot be stored in Postgres text, and a lone surrogate cannot be encoded as UTF-8 or jsonb.
const BAD = { nul: "before\u0000after", surrogate: "before\ud800after", lowFirst: "\udc00x" };

async function templateCount(orgId: string) {
  const [row] = await h.db.select({ n: count() }).from(taskTemplates).where(eq(taskTemplates.orgId, orgId));
  return row.n;
}

describe.each(Object.entries(BAD))("a %s in a text field", (_kind, text) => {
  it("is refused by submit (justification), naming the field, and nothing is written", async () => {
    const org = await createTestOrg(h.db);
    const before = await counts(h.db, org.org.id);
    const ctx = await userCtx(h.db, org.users.requester);
    await expectAppError(
      submitRequest({ ctx, input: validInput(org, { ...NO_RESOURCE, justification: text }) }),
      "validation",
      "justification",
    );
    await expectAppError(
      submitRequest({
        ctx,
        input: validInput(org, { ...NO_RESOURCE, templateId: null, permissions: ["ec2:Start", text] }),
      }),
      "validation",
      "permissions.1",
    );
    expect(await counts(h.db, org.org.id)).toEqual(before);
  });

  it("is refused by decide (comment), revoke and extend (reason), and nothing is written", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org, "requester", NO_RESOURCE);
    const other = await submitAs(h.db, org, "requester", NO_RESOURCE);
    const approver = await userCtx(h.db, org.users.approver);
    const [grant] = (
      await decideRequest({ ctx: approver, input: { requestId: other.id, verdict: "approve" } })
    ).grants;
    const before = await counts(h.db, org.org.id);
    await expectAppError(
      decideRequest({ ctx: approver, input: { requestId: req.id, verdict: "approve", comment: text } }),
      "validation",
      "comment",
    );
    const admin = await userCtx(h.db, org.users.admin);
    await expectAppError(
      revokeGrant({ ctx: admin, input: { grantId: grant.id, reason: text } }),
      "validation",
      "reason",
    );
    await expectAppError(
      extendGrant({ ctx: admin, input: { grantId: grant.id, minutes: 5, reason: text } }),
      "validation",
      "reason",
    );
    expect(await counts(h.db, org.org.id)).toEqual(before);
  });

  it("is refused in a template's name, and no template is created", async () => {
    const org = await createTestOrg(h.db);
    const n = await templateCount(org.org.id);
    const admin = await userCtx(h.db, org.users.admin);
    const input = {
      key: "queue.read",
      name: text,
      description: "Peek at messages",
      risk: "low" as const,
      permissions: { aws: ["sqs:ReceiveMessage"], gcp: [], azure: [] },
    };
    await expectAppError(createTemplate({ ctx: admin, input }), "validation", "name");
    expect(await templateCount(org.org.id)).toBe(n);
  });

  it("is refused in every audit filter, naming it", async () => {
    const org = await createTestOrg(h.db);
    const auditor = await userCtx(h.db, org.users.auditor);
    for (const field of ["actor", "action", "subjectId", "cursor"] as const) {
      await expectAppError(listAuditEvents({ ctx: auditor, input: { [field]: text } }), "validation", field);
    }
  });
});

it("accepts well-formed text outside the BMP (a surrogate pair) and other control characters", async () => {
  const org = await createTestOrg(h.db);
  const ctx = await userCtx(h.db, org.users.requester);
  const dto = await submitRequest({
    ctx,
    input: validInput(org, { ...NO_RESOURCE, justification: "INC-42 🔥\ttab" }),
  });
  expect(dto.justification).toBe("INC-42 🔥\ttab");
});
