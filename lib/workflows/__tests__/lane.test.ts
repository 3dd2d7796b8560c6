import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "@/db/client";
import { grants } from "@/db/schema";
import { env } from "@/lib/env";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { createInlineDriver } from "../inline";
import { createRevocationLane } from "../revocation-lane";
import { expiredGrants, revokedCounts, settled } from "./lane-helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const url = env().DATABASE_URL;

describe("revocation lane", () => {
  it("two drivers on one database (two pools on Postgres) revoke every expiry exactly once", async () => {
    const org = await createTestOrg(h.db);
    const ids = await expiredGrants(h.db, org, 24);
    const second = url ? await openDb({ url }) : h;
    const drivers = [h, second].map((x) =>
      createInlineDriver({ db: x.db, reconcileIntervalMs: 60_000, reconcile: { orgId: org.org.id } }),
    );
    try {
      for (const d of drivers) d.start();
      await settled(h.db, ids);
      await Promise.all(drivers.map((d) => d.idle()));
    } finally {
      await Promise.all(drivers.map((d) => d.stop()));
      if (second !== h) await second.close();
    }
    const rows = await h.db.select({ status: grants.status }).from(grants).where(inArray(grants.id, ids));
    expect(rows.every((r) => r.status === "revoked")).toBe(true);
    const per = await revokedCounts(h.db, org.org.id);
    expect(per.size).toBe(24);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
  });

  it("an in-thread lane armed by hand revokes at the timer, and says when it is busy", async () => {
    const org = await createTestOrg(h.db);
    const [id] = await expiredGrants(h.db, org, 1);
    const seen: boolean[] = [];
    const lane = createRevocationLane({
      db: h.db,
      scanIntervalMs: 60_000,
      orgId: org.org.id,
      onBusy: (b) => seen.push(b),
    });
    lane.arm(org.org.id, id, new Date(Date.now() - 1));
    await settled(h.db, [id]);
    await lane.idle();
    await lane.stop();
    expect((await h.db.select().from(grants).where(eq(grants.id, id)))[0].status).toBe("revoked");
    expect(seen).toEqual([true, false]);
  });
});
