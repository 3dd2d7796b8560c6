import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, taskTemplates } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { buildRoleSpec, loadOrgCatalog } from "@/lib/catalog";
import { expectAppError } from "@/lib/requests/__tests__/helpers";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { applyRecommendation, listRecommendations, type RecommendationDto } from "..";
import {
  EXPLICIT_SET,
  LABELS,
  STANDING_COVERED,
  STANDING_UNCOVERED,
  seedLabelledUsage,
} from "./labelled-fixtures";

let h: DbHandle;
let org: SeededOrg;
let items: RecommendationDto[];

beforeAll(async () => {
  h = await openTestDb();
  org = await createTestOrg(h.db);
  await seedLabelledUsage(h.db, org);
  items = (await listRecommendations({ ctx: await userCtx(h.db, org.users.auditor), input: {} })).items;
});
afterAll(async () => h.close());

const shrinkOf = (key: string) => items.find((r) => r.kind === "shrink" && r.template?.key === key);

describe("right-sizing on labelled fixtures", () => {
  it("keeps 100 % of the permissions observed allowed and drops at least 80 % of those never observed", () => {
    let observed = 0;
    let kept = 0;
    let unobserved = 0;
    let dropped = 0;
    for (const label of LABELS) {
      const rec = shrinkOf(label.key);
      expect(rec, label.key).toBeDefined();
      const proposed = new Set(rec!.proposed);
      for (const p of label.granted) {
        if (label.observedAllowed.includes(p)) {
          observed += 1;
          if (proposed.has(p)) kept += 1;
        } else {
          unobserved += 1;
          if (!proposed.has(p)) dropped += 1;
        }
      }
    }
    const keptShare = kept / observed;
    const droppedShare = dropped / unobserved;
    expect(observed).toBe(6);
    expect(unobserved).toBe(13);
    expect(keptShare).toBe(1);
    expect(droppedShare).toBeGreaterThanOrEqual(0.8);
  });

  it("shows each smaller version as a diff with evidence and a confidence", () => {
    const rec = shrinkOf("fixture.ec2-ops")!;
    expect(rec.cloud).toBe("aws");
    expect(rec.template).toMatchObject({ key: "fixture.ec2-ops", version: 1 });
    expect(rec.added).toEqual([]);
    expect(rec.removed).toHaveLength(11);
    expect(rec.removed).toContain("ec2:ModifyInstanceAttribute");
    expect(rec.evidence).toMatchObject({ subjects: 5, subjectsWithCalls: 5 });
    expect(rec.evidence.people).toHaveLength(4);
    expect(rec.evidence.lastSeen).not.toBeNull();
    // 5 grants, all with calls: 5 / (5 + 3) = 0.63.
    expect(rec.confidence).toEqual({ score: 0.63, level: "medium" });
  });

  it("offers repeatedly denied permissions for review, not one-off denials", () => {
    const add = items.find((r) => r.kind === "add" && r.template?.key === "fixture.ec2-ops");
    expect(add?.added).toEqual(["ec2:TerminateInstances"]);
    expect(add?.evidence.calls).toBe(3);
  });

  it("turns repeated explicit requests into a template, and standing access into just-in-time cover", () => {
    const explicit = items.find((r) => r.kind === "new-from-explicit");
    expect(explicit).toMatchObject({ applicable: true, current: EXPLICIT_SET, coveredBy: null });
    // Only DescribeImages was observed; DescribeVolumes (logged by default) is left out.
    expect(explicit?.proposed).toEqual(["ec2:DescribeImages"]);
    expect(explicit?.evidence.subjects).toBe(3);

    const covered = items.find(
      (r) => r.kind === "cover-standing" && r.evidence.people[0] === STANDING_COVERED,
    );
    expect(covered).toMatchObject({ applicable: false, coveredBy: { key: "vm.ssh" } });
    const uncovered = items.find(
      (r) => r.kind === "cover-standing" && r.evidence.people[0] === STANDING_UNCOVERED,
    );
    // Denied calls are not access anyone had: only what was allowed is covered.
    expect(uncovered).toMatchObject({ applicable: true, proposed: ["iam:GetUser", "iam:ListUsers"] });
  });

  it("is for auditors and admins only", async () => {
    await expectAppError(
      listRecommendations({ ctx: await userCtx(h.db, org.users.requester), input: {} }),
      "forbidden",
    );
  });
});

describe("applying a recommendation", () => {
  it("saves a new template version through the editor's versioning, audited, that the role builder builds", async () => {
    const rec = shrinkOf("fixture.ec2-ops")!;
    const admin = await userCtx(h.db, org.users.admin);
    await expectAppError(
      applyRecommendation({ ctx: await userCtx(h.db, org.users.auditor), input: { id: rec.id } }),
      "forbidden",
    );
    const saved = await applyRecommendation({ ctx: admin, input: { id: rec.id } });
    expect(saved).toMatchObject({ key: "fixture.ec2-ops", version: 2 });
    expect(saved.permissions.aws.sort()).toEqual([...rec.proposed].sort());
    expect(saved.diff.permissions.aws.removed.sort()).toEqual([...rec.removed].sort());

    const audit = await h.db
      .select({ action: auditEvents.action, data: auditEvents.data })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.subjectId, saved.id)))
      .orderBy(auditEvents.seq);
    expect(audit.map((a) => a.action)).toEqual(["template.updated", "rightsizing.applied"]);
    expect(audit[1].data).toMatchObject({ recommendation: rec.id, kind: "shrink", version: 2 });

    // The new version still builds for its resource kind, as a request on an instance would.
    const catalog = await loadOrgCatalog(h.db, org.org.id);
    const spec = buildRoleSpec({
      cloud: "aws",
      permissions: saved.permissions.aws,
      resource: "i-0abc1234",
      resourceKind: "instance",
      accountId: org.targets.aws.externalId,
      catalog,
    });
    expect(spec.permissions.sort()).toEqual(saved.permissions.aws);

    // Applied once: the evidence no longer supports it, so the same id is gone.
    await expectAppError(applyRecommendation({ ctx: admin, input: { id: rec.id } }), "not_found");
  });

  it("creates a new template from repeated explicit requests", async () => {
    const rec = items.find((r) => r.kind === "new-from-explicit")!;
    const saved = await applyRecommendation({
      ctx: await userCtx(h.db, org.users.admin),
      input: { id: rec.id },
    });
    expect(saved).toMatchObject({ key: rec.newTemplateKey, version: 1 });
    expect(saved.permissions.aws).toEqual(["ec2:DescribeImages"]);
  });

  it("refuses a covered standing use, and ids from another org", async () => {
    const covered = items.find((r) => r.kind === "cover-standing" && !r.applicable)!;
    const admin = await userCtx(h.db, org.users.admin);
    await expectAppError(applyRecommendation({ ctx: admin, input: { id: covered.id } }), "conflict");
    const other = await createTestOrg(h.db);
    const uncovered = items.find((r) => r.kind === "cover-standing" && r.applicable)!;
    await expectAppError(
      applyRecommendation({ ctx: await userCtx(h.db, other.users.admin), input: { id: uncovered.id } }),
      "not_found",
    );
    const before = await h.db.select().from(taskTemplates).where(eq(taskTemplates.orgId, other.org.id));
    expect(before.every((t) => t.version === 1)).toBe(true);
  });
});
