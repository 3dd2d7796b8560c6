import { describe, expect, it } from "vitest";
import { capacityFor } from "../capacity";
import { CLOUD_LIMITS, limitsFor, slotsOf } from "../limits";
import { rolesSentence } from "../note";
import { noRoomMessage } from "../room";
import type { TargetUsage } from "../usage";

describe("capacityFor", () => {
  it.each([
    // used, limit, new roles → free, after approval, warning
    [0, 300, 1, 300, 1, null],
    [100, 300, 0, 200, 100, null],
    [238, 300, 1, 62, 239, null],
    [239, 300, 1, 61, 240, "this would use 1 of the last 61 free slots"],
    [295, 300, 2, 5, 297, "this would use 2 of the last 5 free slots"],
    [297, 300, 3, 3, 300, "this would use the last 3 slots"],
    [299, 300, 1, 1, 300, "this would use the last slot"],
    [300, 300, 1, 0, 301, "needs 1 slot but none is free"],
    [299, 300, 2, 1, 301, "needs 2 slots but only 1 is free"],
    [296, 300, 6, 4, 302, "needs 6 slots but only 4 are free"],
    // Reuse needs no slot: no warning even on a full target.
    [300, 300, 0, 0, 300, null],
    // An override lowered below the usage: nothing is free, never a negative count.
    [310, 300, 0, 0, 310, null],
  ])("used %i of %i, %i new → free %i, after %i, %s", (used, limit, n, free, after, warning) => {
    expect(capacityFor(used, limit, n)).toEqual({ used, limit, free, afterApproval: after, warning });
  });
});

describe("limits", () => {
  it("uses each cloud's documented default, and the target's roleQuota when set", () => {
    expect(limitsFor({ adapter: "gcp", settings: {} }).roles.value).toBe(300);
    expect(limitsFor({ adapter: "aws", settings: {} }).roles.value).toBe(1500);
    expect(limitsFor({ adapter: "azure", settings: {} }).roles.value).toBe(5000);
    expect(limitsFor({ adapter: "sandbox", settings: { roleQuota: 3 } }).roles.value).toBe(3);
    expect(limitsFor({ adapter: "aws", settings: { roleQuota: "x" } }).roles.value).toBe(1500);
    expect(CLOUD_LIMITS.gcp.deletedCountsMs).toBe(7 * 86_400_000);
    expect(CLOUD_LIMITS.azure.bindings?.value).toBe(4000);
    expect(CLOUD_LIMITS.aws.partsPerBinding?.value).toBe(10);
  });

  it("counts a split AWS permission set as one slot per managed policy, and one elsewhere", () => {
    expect(slotsOf("aws", { parts: [{}, {}, {}] })).toBe(3);
    expect(slotsOf("aws", {})).toBe(1);
    expect(slotsOf("sandbox", { parts: [{}, {}] })).toBe(1);
  });
});

const roles = (over: Partial<TargetUsage["roles"]> = {}): TargetUsage["roles"] => ({
  used: 300,
  limit: 300,
  unused: 0,
  recentlyDeleted: 0,
  nextFreeAt: null,
  what: "custom roles per project",
  ...over,
});

describe("the approver's sentence", () => {
  it("says reuse needs no slot, and what a new role uses", () => {
    expect(rolesSentence("prod", true, capacityFor(300, 300, 0), roles(), false)).toEqual({
      tone: "ok",
      text: "Reuses a role that already exists on prod: no new slot (300 of 300 custom roles per project used).",
    });
    expect(rolesSentence("prod", false, capacityFor(297, 300, 1), roles({ used: 297 }), false)).toEqual({
      tone: "warning",
      text: "Needs a new role on prod (297 of 300 custom roles per project used): this would use 1 of the last 3 free slots.",
    });
  });

  it("says when unused roles make room, and when nothing can", () => {
    expect(rolesSentence("prod", false, capacityFor(300, 300, 1), roles({ unused: 2 }), false).text).toBe(
      "No room on prod (300 of 300 custom roles per project used): needs 1 slot but none is free. 2 unused roles will be deleted early to make room.",
    );
    const gcp = rolesSentence(
      "prod",
      false,
      capacityFor(300, 300, 1),
      roles({ unused: 2, nextFreeAt: "2030-01-08T00:00:00.000Z" }),
      true,
    );
    // On GCP a deleted role counts for 7 more days: deleting unused ones makes no room today.
    expect(gcp.tone).toBe("danger");
    expect(gcp.text).toContain("A deleted role stops counting at 2030-01-08T00:00:00.000Z.");
  });
});

describe("noRoomMessage", () => {
  it("names the target, the limit and what to do", () => {
    const msg = noRoomMessage(
      { name: "prod" },
      roles({ recentlyDeleted: 4, nextFreeAt: "X" }),
      1,
      CLOUD_LIMITS.gcp,
    );
    expect(msg).toContain('Target "prod" has no room for a new role: 300 of 300 custom roles per project');
    expect(msg).toContain("4 of them were deleted in the last 7 days");
    expect(msg).toContain("Revoke grants that are no longer needed");
    expect(msg).toContain("roleQuota");
    expect(msg).toContain("https://cloud.google.com/iam/quotas");
  });
});
