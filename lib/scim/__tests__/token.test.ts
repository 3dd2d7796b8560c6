import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { scimTokens } from "@/db/schema";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { mintScimToken } from "../token";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("SCIM token minting", () => {
  it("is refused to people without users.manage", async () => {
    const org = await createTestOrg(h.db);
    await expect(mintScimToken({ ctx: await userCtx(h.db, org.users.approver) })).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(await h.db.select().from(scimTokens).where(eq(scimTokens.orgId, org.org.id))).toEqual([]);
  });
});
