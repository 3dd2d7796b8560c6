import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { previewRequest } from "../preview";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("the request preview's can / cannot examples", () => {
  it("evaluates the built documents: allowed on the named bucket, denied on a sibling and after expiry", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const preview = await previewRequest({
      ctx,
      input: {
        targetId: org.targets.aws.id,
        templateId: org.template("bucket.read").id,
        resource: "orders-reports",
        durationMinutes: 60,
      },
    });
    const examples = preview.roles[0].examples;
    expect(examples?.can.map((e) => e.on)).toContain("arn:aws:s3:::orders-reports/example");
    expect(examples?.can.every((e) => !e.on.includes("sibling"))).toBe(true);
    expect(examples?.cannot.some((e) => e.on.includes("orders-reports-sibling"))).toBe(true);
    expect(examples?.cannot.some((e) => e.on.includes(" after "))).toBe(true);
  });

  it("GCP: a secret's versions are readable, its sibling's are not", async () => {
    const org = await createTestOrg(h.db);
    const preview = await previewRequest({
      ctx: await userCtx(h.db, org.users.requester),
      input: {
        targetId: org.targets.gcp.id,
        templateId: org.template("secrets.read").id,
        resource: "orders-db-password",
        durationMinutes: 60,
      },
    });
    const examples = preview.roles[0].examples;
    expect(examples?.can.length).toBeGreaterThan(0);
    expect(examples?.cannot.some((e) => e.on.includes("orders-db-password-sibling"))).toBe(true);
  });
});
