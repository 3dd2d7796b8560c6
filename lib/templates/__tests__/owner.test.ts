import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, taskTemplates } from "@/db/schema";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { getTemplateOwner, setTemplateOwner, updateTemplate } from "../index";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("template owners", () => {
  it("sets the owner group on every version of the key, keeps it on new versions, and audits the change", async () => {
    const org = await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    await updateTemplate({
      ctx: admin,
      input: { key: "logs.read", expectedVersion: 1, name: "Read logs (v2)" },
    });
    const set = await setTemplateOwner({ ctx: admin, input: { key: "logs.read", ownerGroup: "platform" } });
    expect(set).toEqual({ key: "logs.read", ownerGroup: "platform" });
    const rows = await h.db
      .select({ version: taskTemplates.version, ownerGroup: taskTemplates.ownerGroup })
      .from(taskTemplates)
      .where(and(eq(taskTemplates.orgId, org.org.id), eq(taskTemplates.key, "logs.read")));
    expect(rows.map((r) => r.ownerGroup)).toEqual(["platform", "platform"]);
    await updateTemplate({
      ctx: admin,
      input: { key: "logs.read", expectedVersion: 2, name: "Read logs (v3)" },
    });
    expect(await getTemplateOwner({ ctx: admin, input: { key: "logs.read" } })).toEqual({
      key: "logs.read",
      ownerGroup: "platform",
    });
    const audit = await h.db
      .select({ data: auditEvents.data })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.action, "template.owner_changed")));
    expect(audit.map((a) => a.data)).toEqual([{ key: "logs.read", from: null, to: "platform" }]);
    // Clearing with an empty choice.
    expect(
      (await setTemplateOwner({ ctx: admin, input: { key: "logs.read", ownerGroup: "" } })).ownerGroup,
    ).toBeNull();
  });

  it("is refused to people without templates.edit and answers 404 across tenants, changing nothing", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const requester = await userCtx(h.db, org.users.requester);
    await expect(
      setTemplateOwner({ ctx: requester, input: { key: "logs.read", ownerGroup: "platform" } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    // The other org's admin names this org's key: it resolves in their org only, and a group of this org
    // is unknown there.
    const foreign = await userCtx(h.db, other.users.admin);
    await expect(
      setTemplateOwner({ ctx: foreign, input: { key: "nope.key", ownerGroup: "platform" } }),
    ).rejects.toMatchObject({ code: "not_found" });
    const rows = await h.db
      .select({ ownerGroup: taskTemplates.ownerGroup })
      .from(taskTemplates)
      .where(eq(taskTemplates.orgId, org.org.id));
    expect(rows.every((r) => r.ownerGroup === null)).toBe(true);
  });
});
