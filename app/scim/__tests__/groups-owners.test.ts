import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { DEFAULT_DECISION } from "@/lib/policies/default";
import { decideRequest, submitRequest } from "@/lib/requests";
import { updateTarget } from "@/lib/targets";
import { setTemplateOwner } from "@/lib/templates";
import { setupApiDatabase } from "@/lib/testing/api";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg } from "@/lib/testing/db";
import * as groupRoute from "../v2/Groups/[id]/route";
import * as groupsRoute from "../v2/Groups/route";
import * as usersRoute from "../v2/Users/route";
import { PATCH_OP, scim, scimToken } from "./helpers";

// Group changes pushed over SCIM apply at once to what the verbs check: approver rights (decideRequest),
// request eligibility (submitRequest under a policy keyed on requester groups), and owner routing
// (`$owners`, `$templateOwners`). Each case goes through the SCIM route handler and then the real verbs.
const db = setupApiDatabase();

async function directory(org: SeededOrg) {
  const token = await scimToken(db(), org.org.id);
  const ids: Record<string, string> = {};
  for (const who of ["requester", "approver", "approver2"] as const) {
    const email = org.users[who].email;
    const res = await scim(usersRoute.POST, "POST", "/Users", {
      token,
      body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: email, active: true },
    });
    expect(res.status).toBe(201);
    ids[who] = res.json.id;
  }
  const group = async (displayName: string, members: string[]) => {
    const res = await scim(groupsRoute.POST, "POST", "/Groups", {
      token,
      body: {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName,
        members: members.map((value) => ({ value })),
      },
    });
    expect(res.status).toBe(201);
    return res.json.id as string;
  };
  const patch = (id: string, Operations: unknown[]) =>
    scim(groupRoute.PATCH, "PATCH", `/Groups/${id}`, {
      token,
      params: { id },
      body: { schemas: [PATCH_OP], Operations },
    });
  return { ids, group, patch, token };
}

const ask = async (org: SeededOrg, templateKey = "logs.read") =>
  submitRequest({
    ctx: await userCtx(db(), org.users.requester),
    input: {
      targetId: org.targets.aws.id,
      templateId: org.template(templateKey).id,
      durationMinutes: 30,
      justification: "INC-9",
    },
  });
const decide = async (org: SeededOrg, who: "approver" | "approver2", requestId: string) =>
  decideRequest({ ctx: await userCtx(db(), org.users[who]), input: { requestId, verdict: "approve" } });

describe("group changes from the directory", () => {
  it("approver rights follow the approvers group at once, both ways", async () => {
    const org = await createTestOrg(db());
    const dir = await directory(org);
    // The directory now owns "approvers" (the sign-in claims created it): only Avery is in it.
    const approvers = await dir.group("approvers", [dir.ids.approver]);
    const first = await ask(org);
    await expect(decide(org, "approver2", first.id)).rejects.toMatchObject({ code: "forbidden" });

    await dir.patch(approvers, [{ op: "add", path: "members", value: [{ value: dir.ids.approver2 }] }]);
    expect((await decide(org, "approver2", first.id)).status).toBe("approved");

    // Avery leaves the group after the request was made (and after being notified): the approval is refused.
    const second = await ask(org);
    await dir.patch(approvers, [{ op: "remove", path: `members[value eq "${dir.ids.approver}"]` }]);
    await expect(decide(org, "approver", second.id)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("request eligibility follows membership of the group a policy names", async () => {
    const policy: PolicyDocument = {
      schemaVersion: 2,
      pendingTimeoutSeconds: 86_400,
      defaults: { ...DEFAULT_DECISION, deny: true },
      rules: [{ id: "db-users-may-ask", match: { requesterGroups: ["db-users"] }, decide: { deny: false } }],
    };
    const org = await createTestOrg(db(), policy);
    const dir = await directory(org);
    await expect(ask(org)).rejects.toMatchObject({ code: "forbidden" });
    const dbUsers = await dir.group("db-users", [dir.ids.requester]);
    expect((await ask(org)).status).toBe("pending");
    await dir.patch(dbUsers, [{ op: "Remove", path: "members", value: [{ value: dir.ids.requester }] }]);
    await expect(ask(org)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("routes approvals to the target's owners and to the template's owners, both groups from the directory", async () => {
    const policy: PolicyDocument = {
      schemaVersion: 2,
      pendingTimeoutSeconds: 86_400,
      defaults: { ...DEFAULT_DECISION, approverGroups: ["$owners"] },
      rules: [
        {
          id: "logs-by-template-owners",
          match: { templateKeys: ["logs.read"] },
          decide: { approverGroups: ["$templateOwners"] },
        },
      ],
    };
    const org = await createTestOrg(db(), policy);
    const dir = await directory(org);
    const admin = await userCtx(db(), org.users.admin);
    const dba = await dir.group("dba", [dir.ids.approver2]);
    await dir.group("log-owners", [dir.ids.approver]);
    await updateTarget({ ctx: admin, input: { targetId: org.targets.aws.id, ownerGroup: "dba" } });

    // The target's owners: Jordan (dba) may approve; Avery (an approver, not an owner) may not.
    const byTarget = await ask(org, "db.read");
    expect(byTarget.policy?.approverGroups).toEqual(["dba"]);
    await expect(decide(org, "approver", byTarget.id)).rejects.toMatchObject({
      code: expect.stringMatching(/forbidden|not_found/),
    });
    expect((await decide(org, "approver2", byTarget.id)).status).toBe("approved");

    // The template's owners: refused while logs.read has none, then routed to log-owners.
    await expect(ask(org, "logs.read")).rejects.toThrow(/template's owners/);
    await expect(
      setTemplateOwner({ ctx: admin, input: { key: "logs.read", ownerGroup: "no-such-group" } }),
    ).rejects.toMatchObject({ code: "validation", field: "ownerGroup" });
    await setTemplateOwner({ ctx: admin, input: { key: "logs.read", ownerGroup: "log-owners" } });
    const byTemplate = await ask(org, "logs.read");
    await expect(decide(org, "approver2", byTemplate.id)).rejects.toMatchObject({
      code: expect.stringMatching(/forbidden|not_found/),
    });
    expect((await decide(org, "approver", byTemplate.id)).status).toBe("approved");

    // A directory change to the owners' group applies at once: Avery replaces Jordan in dba.
    const again = await ask(org, "db.read");
    const swapped = await dir.patch(dba, [
      { op: "replace", path: "members", value: [{ value: dir.ids.approver }] },
    ]);
    expect(swapped.json.members.map((m: { value: string }) => m.value)).toEqual([dir.ids.approver]);
    await expect(decide(org, "approver2", again.id)).rejects.toMatchObject({
      code: expect.stringMatching(/forbidden|not_found/),
    });
    expect((await decide(org, "approver", again.id)).status).toBe("approved");
  });
});
