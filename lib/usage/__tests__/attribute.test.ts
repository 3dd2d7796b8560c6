import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { grants, targets } from "@/db/schema";
import { assignmentName, roleGuid } from "@/lib/clouds/azure/ids";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { activeGrant, addsUp, eventsOf, importFiles } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const ACCOUNT = "111122223333";
const PROJECT = "elevate-demo-prod";
const SUB = "00000000-0000-4000-8000-000000000001";
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
let seq = 0;
const nextId = () => `00000000-0000-4000-9000-${String(++seq).padStart(12, "0")}`;

function cloudTrail(arn: string, eventName: string, time: string, errorCode?: string) {
  return {
    eventVersion: "1.08",
    userIdentity: { type: "AssumedRole", arn, accountId: ACCOUNT },
    eventTime: time,
    eventSource: "s3.amazonaws.com",
    eventName,
    eventID: nextId(),
    recipientAccountId: ACCOUNT,
    ...(errorCode ? { errorCode } : {}),
  };
}

function logEntry(principal: string, permission: string, time: string, granted = true) {
  return {
    insertId: nextId(),
    logName: `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity`,
    timestamp: time,
    resource: { type: "project", labels: { project_id: PROJECT } },
    protoPayload: {
      methodName: "google.storage.v1.Storage.GetBucket",
      authenticationInfo: { principalEmail: principal },
      authorizationInfo: [{ permission, granted, resource: "projects/_/buckets/b" }],
    },
  };
}

function activity(caller: string, action: string, time: string, assignment?: string) {
  return {
    eventDataId: nextId(),
    eventTimestamp: time,
    caller,
    subscriptionId: SUB,
    operationName: { value: action },
    status: { value: "Succeeded" },
    authorization: {
      action,
      scope: `/subscriptions/${SUB}`,
      ...(assignment ? { evidence: { roleAssignmentId: assignment } } : {}),
    },
  };
}

describe("attribution", () => {
  it("AWS: by the assumed-role session (grant id), whatever the time; other sessions are standing", async () => {
    const org = await createTestOrg(h.db);
    const grantId = await activeGrant(h.db, org, "aws", ["s3:GetObject", "s3:ListBucket"]);
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/elevate-${grantId}/${grantId}`;
    const records = [
      cloudTrail(session, "GetObject", at(0)),
      cloudTrail(session, "PutObject", at(0), "AccessDenied"),
      cloudTrail(`arn:aws:sts::${ACCOUNT}:assumed-role/Admin/alice`, "GetObject", at(0)),
      cloudTrail(`arn:aws:iam::${ACCOUNT}:user/ci`, "ListObjects", at(0)),
      // Someone's own role with a session named after the grant: standing use passed off as granted.
      cloudTrail(`arn:aws:sts::${ACCOUNT}:assumed-role/Admin/${grantId}`, "DeleteObject", at(0)),
    ];
    const s = await importFiles(h.db, org, { "ct.json": JSON.stringify({ Records: records }) });
    expect(s).toMatchObject({ records: 5, mapped: 5, attributed: 2 });
    const rows = await eventsOf(h.db, org);
    expect(addsUp(s, rows.length)).toBe(true);
    const byId = new Map(rows.map((r) => [r.eventId, r]));
    expect(byId.get(records[0].eventID)).toMatchObject({
      attribution: "grant",
      grantId,
      targetId: org.targets.aws.id,
      sessionName: grantId,
      allowed: true,
    });
    expect(byId.get(records[1].eventID)).toMatchObject({
      attribution: "grant",
      grantId,
      allowed: false,
      permission: "s3:PutObject",
    });
    expect(byId.get(records[2].eventID)).toMatchObject({
      attribution: "standing",
      grantId: null,
      targetId: org.targets.aws.id,
    });
    expect(byId.get(records[3].eventID)).toMatchObject({
      attribution: "standing",
      permission: "s3:ListBucket",
    });
    expect(byId.get(records[4].eventID)).toMatchObject({
      attribution: "standing",
      grantId: null,
      sessionName: grantId,
      permission: "s3:DeleteObject",
    });

    // Another org cannot claim the grant: the same session in its logs is standing access there.
    const other = await createTestOrg(h.db);
    const o = await importFiles(h.db, other, {
      "ct.json": JSON.stringify([cloudTrail(session, "GetObject", at(0))]),
    });
    expect(o).toMatchObject({ mapped: 1, attributed: 0 });
  });

  it("GCP: by principal, inside the grant's window, for permissions the grant's role holds", async () => {
    const org = await createTestOrg(h.db);
    const grantId = await activeGrant(h.db, org, "gcp", ["storage.buckets.get", "storage.objects.list"]);
    const me = org.users.requester.email;
    const entries = [
      logEntry(me, "storage.buckets.get", at(0)),
      logEntry(`user:${me.toUpperCase()}`, "storage.objects.list", at(0)),
      logEntry(me, "storage.buckets.delete", at(0), false), // denied during the grant: the grant's attempt
      logEntry(me, "storage.buckets.delete", at(0)), // allowed but not held by the grant: standing
      logEntry(me, "storage.buckets.get", at(-3 * 3600_000)), // before the grant
      logEntry(me, "storage.buckets.get", at(2 * 3600_000)), // after its expiry
      logEntry("someone@else.example", "storage.buckets.get", at(0)),
    ];
    const s = await importFiles(h.db, org, {
      "sink.jsonl": entries.map((e) => JSON.stringify(e)).join("\n"),
    });
    expect(s).toMatchObject({ records: 7, mapped: 7, attributed: 3 });
    const rows = await eventsOf(h.db, org);
    const got = entries.map((e) => rows.find((r) => r.eventId.endsWith(`|${e.insertId}`))?.grantId ?? null);
    expect(got).toEqual([grantId, grantId, grantId, null, null, null, null]);
    expect(rows.every((r) => r.targetId === org.targets.gcp.id)).toBe(true);
  });

  it("GCP: the target's identity map names the person as the cloud knows them; revocation closes the window", async () => {
    const org = await createTestOrg(h.db);
    await h.db
      .update(targets)
      .set({ settings: { principals: { [org.users.requester.email]: "riley@corp.example" } } })
      .where(eq(targets.id, org.targets.gcp.id));
    const grantId = await activeGrant(h.db, org, "gcp", ["storage.buckets.get"]);
    await h.db
      .update(grants)
      .set({ revokedAt: new Date(Date.now() + 60_000) })
      .where(eq(grants.id, grantId));
    const entries = [
      logEntry("riley@corp.example", "storage.buckets.get", at(0)),
      logEntry("riley@corp.example", "storage.buckets.get", at(10 * 60_000)),
    ];
    const s = await importFiles(h.db, org, { "a.json": JSON.stringify(entries) });
    expect(s).toMatchObject({ mapped: 2, attributed: 1 });
  });

  it("Azure: by caller and time", async () => {
    const org = await createTestOrg(h.db);
    const grantId = await activeGrant(h.db, org, "azure", [
      "Microsoft.Compute/virtualMachines/restart/action",
    ]);
    const me = org.users.requester.email;
    const events = [
      activity(me, "Microsoft.Compute/virtualMachines/restart/action", at(0)),
      activity("someone@else.example", "Microsoft.Compute/virtualMachines/restart/action", at(0)),
      activity(me, "Microsoft.Compute/virtualMachines/restart/action", at(5 * 3600_000)),
    ];
    const s = await importFiles(h.db, org, { "az.json": JSON.stringify(events) });
    expect(s).toMatchObject({ records: 3, mapped: 3, attributed: 1 });
    const rows = await eventsOf(h.db, org);
    expect(rows.find((r) => r.eventId === events[0].eventDataId)).toMatchObject({
      grantId,
      targetId: org.targets.azure.id,
    });
  });

  it("Azure: an event naming the grant's role assignment is the grant's, whoever the caller string is", async () => {
    const org = await createTestOrg(h.db);
    const objectId = "11111111-0000-4000-8000-000000000001";
    await h.db
      .update(targets)
      .set({ settings: { principals: { [org.users.requester.email]: objectId } } })
      .where(eq(targets.id, org.targets.azure.id));
    const grantId = await activeGrant(h.db, org, "azure", [
      "Microsoft.Compute/virtualMachines/restart/action",
    ]);
    const [g] = await h.db.select().from(grants).where(eq(grants.id, grantId));
    // The assignment the Azure adapter creates for this grant (lib/clouds/azure/direct-store.ts names it).
    const assignment = assignmentName(`/subscriptions/${SUB}`, roleGuid(g.roleSpec.roleName), objectId);
    const id = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${assignment}`;
    const events = [
      activity(
        "riley via a service principal",
        "Microsoft.Compute/virtualMachines/restart/action",
        at(0),
        id,
      ),
      activity("riley via a service principal", "Microsoft.Compute/virtualMachines/restart/action", at(0)),
    ];
    const s = await importFiles(h.db, org, { "az.json": JSON.stringify(events) });
    expect(s).toMatchObject({ mapped: 2, attributed: 1 });
  });
});
