import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { DbHandle } from "@/db/client";
import { policies, targets, users } from "@/db/schema";
import { submitRequest } from "@/lib/requests";
import { auditFor, expectAppError, validInput } from "@/lib/requests/__tests__/helpers";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { DEFAULT_POLICY_DOCUMENT } from "../default";
import { simulatePolicy } from "../simulate";
import {
  approvePolicyChange,
  getPolicy,
  listPolicies,
  proposePolicyChange,
  rejectPolicyChange,
} from "../versions";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

async function orgWithTwoAdmins() {
  const org = await createTestOrg(h.db);
  const [second] = await h.db
    .insert(users)
    .values({
      orgId: org.org.id,
      email: `admin2-${org.org.id.slice(0, 8)}@acme.example`,
      name: "Second Admin",
      subject: `test|${org.org.id}|admin2`,
      localRoles: ["admin"],
    })
    .returning();
  return { org, second };
}

const stricter = {
  ...DEFAULT_POLICY_DOCUMENT,
  rules: [
    {
      id: "aws-two",
      description: "Two approvals on AWS",
      match: { clouds: ["aws"] },
      decide: { approvalsRequired: 2, ticketPatterns: ["https://tickets.example/INC-*"] },
    },
  ],
};

describe("policy changes need a second admin (four-eyes)", () => {
  it("pending → approved by another admin → active as the next version; every step audited", async () => {
    const { org, second } = await orgWithTwoAdmins();
    const author = await userCtx(h.db, org.users.admin);
    const other = await userCtx(h.db, second);

    const draft = await proposePolicyChange({
      ctx: author,
      input: { document: stricter, comment: "tighten AWS" },
    });
    expect(draft).toMatchObject({ status: "pending", version: null, baseVersion: 1, ruleCount: 1 });
    expect(draft.diff.filter((l) => l.op === "+").map((l) => l.text.trim())).toContain("- id: aws-two");
    // Nothing changed yet: the active version still decides.
    expect((await getPolicy({ ctx: author, input: { policyId: "active" } })).version).toBe(1);
    const before = await submitRequest({
      ctx: await userCtx(h.db, org.users.requester),
      input: validInput(org),
    });
    expect(before.approvalsRequired).toBe(1);

    // The author cannot approve their own change; the refusal is audited and changes nothing.
    await expectAppError(approvePolicyChange({ ctx: author, input: { policyId: draft.id } }), "forbidden");
    expect((await getPolicy({ ctx: author, input: { policyId: draft.id } })).status).toBe("pending");

    const approved = await approvePolicyChange({ ctx: other, input: { policyId: draft.id, comment: "ok" } });
    expect(approved).toMatchObject({ status: "active", version: 2, decidedBy: second.id });
    expect((await getPolicy({ ctx: author, input: { policyId: "active" } })).id).toBe(draft.id);
    await expectAppError(approvePolicyChange({ ctx: other, input: { policyId: draft.id } }), "conflict");

    expect((await auditFor(h.db, org.org.id, draft.id)).map((a) => [a.action, a.actorId])).toEqual([
      ["policy.change_proposed", org.users.admin.id],
      ["policy.change_refused", org.users.admin.id],
      ["policy.change_approved", second.id],
    ]);

    // Requests are now judged by version 2, which stores the rule and the version on the request.
    const ctx = await userCtx(h.db, org.users.requester);
    await expectAppError(
      submitRequest({ ctx, input: validInput(org, { ticketUrl: "https://elsewhere.example/1" }) }),
      "validation",
      "ticketUrl",
    );
    const after = await submitRequest({
      ctx,
      input: validInput(org, { ticketUrl: "https://tickets.example/INC-9" }),
    });
    expect(after).toMatchObject({ approvalsRequired: 2, policy: { version: 2, ruleIds: ["aws-two"] } });
  });

  it("a change written against an older version cannot be approved once another landed", async () => {
    const { org, second } = await orgWithTwoAdmins();
    const a = await userCtx(h.db, org.users.admin);
    const b = await userCtx(h.db, second);
    const one = await proposePolicyChange({ ctx: a, input: { document: stricter } });
    const two = await proposePolicyChange({
      ctx: a,
      input: { document: { ...DEFAULT_POLICY_DOCUMENT, pendingTimeoutSeconds: 7200 } },
    });
    await approvePolicyChange({ ctx: b, input: { policyId: one.id } });
    await expectAppError(approvePolicyChange({ ctx: b, input: { policyId: two.id } }), "conflict");
    // The author withdraws it; another admin's refusal is a rejection.
    const withdrawn = await rejectPolicyChange({ ctx: a, input: { policyId: two.id } });
    expect(withdrawn.status).toBe("rejected");
    expect((await auditFor(h.db, org.org.id, two.id)).map((x) => x.action)).toEqual([
      "policy.change_proposed",
      "policy.change_withdrawn",
    ]);
    const list = await listPolicies({ ctx: a });
    expect(list.map((p) => [p.status, p.version])).toEqual([
      ["rejected", null],
      ["active", 2],
      ["active", 1],
    ]);
  });

  it("accepts YAML text, exports the same document as YAML, and refuses bad documents naming the field", async () => {
    const { org } = await orgWithTwoAdmins();
    const ctx = await userCtx(h.db, org.users.admin);
    const yaml = `schemaVersion: 2
pendingTimeoutSeconds: 86400
defaults:
  deny: false
  approverGroups: [approvers]
  approvalsRequired: 1
  maxDurationSeconds: 28800
  justificationRequired: true
  ticketRequired: false
  ticketPatterns: []
  autoApprove: null
  extensions: { autoUpToSeconds: 3600 }
  breakGlass: { allowed: true, maxDurationSeconds: 1800, reviewWithinSeconds: 86400 }
  stepUp: false
rules:
  - id: low-risk-office-hours
    match: { risks: [low] }
    decide:
      autoApprove: { maxRisk: low, businessHours: { timeZone: Europe/Paris, start: "09:00", end: "18:00" } }
`;
    const draft = await proposePolicyChange({ ctx, input: { text: yaml } });
    expect(parseYaml(draft.yaml)).toEqual(draft.document);
    expect(draft.document.rules[0].decide.autoApprove?.businessHours).toEqual([
      { timeZone: "Europe/Paris", days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" },
    ]);

    const before = await h.db.select().from(policies).where(eq(policies.orgId, org.org.id));
    const bad = [
      [
        {
          ...DEFAULT_POLICY_DOCUMENT,
          defaults: { ...DEFAULT_POLICY_DOCUMENT.defaults, approvalsRequired: 0 },
        },
        "document.defaults.approvalsRequired",
      ],
      [
        { ...DEFAULT_POLICY_DOCUMENT, rules: [{ id: "x", decide: { ticketPatterns: ["*".repeat(11)] } }] },
        "document.rules.0.decide.ticketPatterns.0",
      ],
      [
        {
          ...DEFAULT_POLICY_DOCUMENT,
          rules: [
            { id: "x", decide: {} },
            { id: "x", decide: {} },
          ],
        },
        "document.rules.1.id",
      ],
      [
        {
          ...DEFAULT_POLICY_DOCUMENT,
          rules: [
            {
              id: "x",
              decide: {
                autoApprove: { businessHours: { timeZone: "Mars/Olympus", start: "09:00", end: "10:00" } },
              },
            },
          ],
        },
        "document.rules.0.decide.autoApprove.businessHours",
      ],
      [{ ...DEFAULT_POLICY_DOCUMENT, extra: 1 }, "document"],
    ] as const;
    for (const [document, field] of bad) {
      const err = await expectAppError(proposePolicyChange({ ctx, input: { document } }), "validation");
      expect(err.field?.startsWith(field)).toBe(true);
    }
    await expectAppError(
      proposePolicyChange({ ctx, input: { text: "rules: [unclosed" } }),
      "validation",
      "document",
    );
    await expectAppError(
      proposePolicyChange({ ctx, input: { document: DEFAULT_POLICY_DOCUMENT } }),
      "validation",
      "document",
    );
    expect(await h.db.select().from(policies).where(eq(policies.orgId, org.org.id))).toHaveLength(
      before.length,
    );
  });

  it("only admins propose or approve; auditors read", async () => {
    const { org } = await orgWithTwoAdmins();
    await expectAppError(
      proposePolicyChange({ ctx: await userCtx(h.db, org.users.approver), input: { document: stricter } }),
      "forbidden",
    );
    expect((await listPolicies({ ctx: await userCtx(h.db, org.users.auditor) })).length).toBe(1);
    await expectAppError(listPolicies({ ctx: await userCtx(h.db, org.users.requester) }), "forbidden");
  });
});

describe("simulation", () => {
  it("answers who may request, who approves and what is automatic, for a draft, saving nothing", async () => {
    const { org } = await orgWithTwoAdmins();
    const ctx = await userCtx(h.db, org.users.admin);
    await h.db
      .update(targets)
      .set({ environment: "prod", tags: ["db"], ownerGroup: "platform" })
      .where(eq(targets.id, org.targets.gcp.id));
    const draft = {
      ...DEFAULT_POLICY_DOCUMENT,
      rules: [
        { id: "prod-owners", match: { environments: ["prod"] }, decide: { approverGroups: ["$owners"] } },
        { id: "no-security", match: { requesterGroups: ["security"] }, decide: { deny: true } },
        { id: "low-auto", match: { risks: ["low"] }, decide: { autoApprove: { maxRisk: "low" } } },
      ],
    };
    const before = await h.db.select().from(policies).where(eq(policies.orgId, org.org.id));
    const sim = await simulatePolicy({
      ctx,
      input: {
        document: draft,
        targetIds: [org.targets.gcp.id, org.targets.aws.id],
        templateKey: "vm.ssh",
        requesterEmail: org.users.requester.email,
      },
    });
    expect(sim.policy).toEqual({ source: "draft", version: null });
    expect(sim.allowed).toBe(true);
    expect(sim.ruleIds).toEqual(["prod-owners"]);
    expect(sim.approvers.map((a) => [a.group, a.members.map((m) => m.email)])).toEqual([
      ["approvers", [org.users.approver.email, org.users.approver2.email].sort()],
      ["platform", [org.users.admin.email]],
    ]);
    expect(sim.requesterGroups.find((g) => g.group === "security")?.allowed).toBe(false);
    expect(sim.requesterGroups.find((g) => g.group === "engineering")?.allowed).toBe(true);
    expect(sim.automatic).toBeNull();

    const low = await simulatePolicy({
      ctx,
      input: {
        document: draft,
        targetIds: [org.targets.aws.id],
        risk: "low",
        requesterEmail: org.users.requester.email,
      },
    });
    expect(low.automatic).toEqual({ ruleIds: ["low-auto"], conditions: ["risk low ≤ low"] });
    expect(await h.db.select().from(policies).where(eq(policies.orgId, org.org.id))).toHaveLength(
      before.length,
    );
    await expectAppError(
      simulatePolicy({ ctx, input: { targetIds: [], risk: "low" } }),
      "validation",
      "targetIds",
    );
  });
});
