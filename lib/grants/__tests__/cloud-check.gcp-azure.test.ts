import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { type FakeAzure, startFakeAzure } from "@/lib/clouds/fakes/azure";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { connectTarget } from "@/lib/targets";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { clearEnvVars, envVar, previewThenProvision, revoke } from "./wire-helpers";

// Issue 14, point 6, on GCP and Azure: after bind, the cloud's own answer for the grant's principal is kept
// with the grant (`evidence.provision.cloudCheck`), through the whole request path and the real SDK clients
// against the loopback wire fakes.
const PROJECT = "acme-check-1";
const REQUESTER_OBJECT_ID = "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab";

let h: DbHandle;
let gcp: FakeGcp;
let azure: FakeAzure;
beforeAll(async () => {
  [h, gcp, azure] = await Promise.all([openTestDb(), startFakeGcp(), startFakeAzure()]);
});
afterAll(async () => Promise.all([h?.close(), gcp?.stop(), azure?.stop()]));
afterEach(() => clearEnvVars());

type Check = { permission: string; resource: string; allowed: boolean; decision: string };
type CloudCheck = { checker: string; principal: string; requestIds: string[]; checks: Check[] };

describe("provisioning keeps the cloud's own access check (GCP, Azure)", () => {
  it("GCP: Policy Troubleshooter's answers for the requester on the named bucket", async () => {
    const org = await createTestOrg(h.db);
    const target = await connectTarget({
      ctx: await userCtx(h.db, org.users.admin),
      input: {
        name: "gcp-check",
        cloud: "gcp",
        adapter: "gcp",
        externalId: PROJECT,
        settings: { endpoint: gcp.url, credentials: { type: "env-json", var: envVar("ya29.fake-token") } },
      },
    });
    gcp.state.bucketProjects.set("orders-reports", PROJECT);
    const { grantId, outcome, grant } = await previewThenProvision(h.db, org, {
      targetId: target.id,
      templateKey: "bucket.read",
      resource: "orders-reports",
    });
    expect(outcome.status).toBe("active");
    const check = grant.evidence.provision?.cloudCheck as CloudCheck;
    expect(check.checker).toBe("gcp:policytroubleshooter.iam.troubleshoot");
    expect(check.principal).toBe(`user:${org.users.requester.email}`);
    expect(check.checks.length).toBeGreaterThan(0);
    expect(check.checks.every((c) => c.allowed && c.decision === "CAN_ACCESS")).toBe(true);
    expect(check.checks.map((c) => c.resource)).toContain(
      "//storage.googleapis.com/projects/_/buckets/orders-reports/objects/example",
    );
    // Every request id is one the fake answered on the troubleshoot endpoint.
    const answered = new Map(gcp.calls.map((c) => [c.requestId, c.path]));
    expect(new Set(check.requestIds.map((id) => answered.get(id)))).toEqual(
      new Set(["/v3/locations/global:troubleshoot"]),
    );
    await revoke(h.db, org.org.id, grantId);
  });

  it("GCP: a troubleshooter that refuses is stored as the check's error; the grant is active all the same", async () => {
    const org = await createTestOrg(h.db);
    const target = await connectTarget({
      ctx: await userCtx(h.db, org.users.admin),
      input: {
        name: "gcp-check-refused",
        cloud: "gcp",
        adapter: "gcp",
        externalId: `${PROJECT}x`,
        settings: { endpoint: gcp.url, credentials: { type: "env-json", var: envVar("ya29.fake-token") } },
      },
    });
    gcp.injectFault({ match: "/v3/locations/global:troubleshoot", status: 403, times: 3 });
    const { grantId, outcome, grant } = await previewThenProvision(h.db, org, {
      targetId: target.id,
      templateKey: "bucket.read",
      resource: "orders-reports",
    });
    expect(outcome).toMatchObject({ status: "active", lastError: null });
    expect(grant.evidence.provision?.cloudCheck).toEqual({
      error: expect.stringMatching(/^gcp access check: gcp troubleshoot: 403/),
    });
    await revoke(h.db, org.org.id, grantId);
  });

  for (const pim of [false, true]) {
    it(`Azure${pim ? " (PIM)" : ""}: the requester's assignments at the container's scope, as ARM reports them`, async () => {
      const org = await createTestOrg(h.db);
      const target = await connectTarget({
        ctx: await userCtx(h.db, org.users.admin),
        input: {
          name: `azure-check-${pim}`,
          cloud: "azure",
          adapter: "azure",
          externalId: randomUUID(),
          settings: {
            endpoint: azure.url,
            ca: azure.ca,
            pim,
            credentials: { type: "env-token", var: envVar("eyFakeArmToken") },
            principals: { [org.users.requester.email]: REQUESTER_OBJECT_ID },
          },
        },
      });
      const { grantId, outcome, grant } = await previewThenProvision(h.db, org, {
        targetId: target.id,
        templateKey: "bucket.read",
        resource: "rg-data/ordersacct/reports",
      });
      expect(outcome.status).toBe("active");
      const check = grant.evidence.provision?.cloudCheck as CloudCheck;
      expect(check.checker).toMatch(
        pim ? /roleAssignmentScheduleInstances/ : /roleAssignments\.listForScope/,
      );
      expect(check.principal).toBe(REQUESTER_OBJECT_ID);
      expect(check.checks.length).toBeGreaterThan(0);
      expect(check.checks.every((c) => c.allowed)).toBe(true);
      expect(check.checks.every((c) => c.resource.endsWith("/blobServices/default/containers/reports"))).toBe(
        true,
      );
      await revoke(h.db, org.org.id, grantId);
    });
  }
});
