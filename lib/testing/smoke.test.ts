import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestOrg, openTestDb } from "./db";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("seedOrg", () => {
  it("creates personas, targets on three clouds and templates, idempotently", async () => {
    const org = await createTestOrg(h.db);
    expect(Object.keys(org.users).sort()).toEqual(["admin", "approver", "approver2", "auditor", "requester"]);
    expect(org.templates.length).toBeGreaterThanOrEqual(5);
    expect(org.targets.aws.cloud).toBe("aws");
  });
});
