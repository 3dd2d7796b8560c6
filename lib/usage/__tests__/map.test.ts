import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { baseCatalog } from "@/lib/testing/role-spec";
import { mapRecord } from "../ingest/detect";
import { iamActionOf } from "../map/aws";
import { EVENT_ACTIONS, S3_ACTIONS, SERVICE_PREFIX } from "../map/aws-exceptions";
import { ReasonNames } from "../map/catalog-lookup";
import { LEGACY_METHODS } from "../map/gcp-methods";
import type { Outcome } from "../types";

const OWN = path.join(__dirname, "../__fixtures__/own");
const own = (f: string) => JSON.parse(readFileSync(path.join(OWN, f), "utf8"));
type Case = { doc: string; record: Record<string, unknown>; expect: Record<string, unknown> };

const map = (r: Record<string, unknown> | unknown[]) => mapRecord(r, baseCatalog, new ReasonNames());

function summary(o: Outcome) {
  if (o.kind !== "mapped") return { [o.kind]: o.reason };
  const c = o.event.checks[0];
  return { permission: c.permission, allowed: c.allowed, ...(c.resource ? { resource: c.resource } : {}) };
}

describe("mapping to permissions", () => {
  it.each(own("aws-cases.json") as Case[])("AWS $record.eventSource $record.eventName ($doc)", (c) => {
    expect(c.doc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    const got = summary(map(c.record));
    expect(got).toEqual(c.expect.unmappable ? { unmappable: c.expect.unmappable } : c.expect);
  });

  it("every exception's target action is in the bundled catalog", () => {
    for (const [host, prefix] of Object.entries(SERVICE_PREFIX)) {
      expect(baseCatalog.ofService("aws", prefix).length, `${host} → ${prefix}`).toBeGreaterThan(0);
    }
    for (const [api, action] of Object.entries(S3_ACTIONS)) {
      const found = iamActionOf("s3.amazonaws.com", api);
      expect(found).toEqual({ action: `s3:${action}` });
      expect(baseCatalog.get("aws", `s3:${action}`), `s3:${api} → s3:${action}`).toBeDefined();
    }
    for (const action of Object.values(EVENT_ACTIONS))
      expect(baseCatalog.get("aws", action), action).toBeDefined();
    for (const [method, perm] of Object.entries(LEGACY_METHODS)) {
      expect(baseCatalog.get("gcp", perm), `${method} → ${perm}`).toBeDefined();
    }
  });

  it("reads LookupEvents output, EventBridge events and CloudTrail Lake rows", () => {
    const lookup = own("aws-lookup-events.json").Events[0];
    expect(summary(map(lookup))).toEqual({ permission: "ec2:StartInstances", allowed: true });
    expect(summary(map(own("aws-eventbridge.json")))).toEqual({
      permission: "ec2:StopInstances",
      allowed: true,
    });
    const [json, columns] = own("aws-lake-query-results.json").QueryResultRows;
    expect(summary(map(json))).toEqual({ permission: "ec2:RebootInstances", allowed: true });
    expect(summary(map(columns))).toEqual({ permission: "ec2:DescribeInstances", allowed: true });
  });

  it("takes the assumed-role session and role name from the ARN", () => {
    const [c] = own("aws-cases.json") as Case[];
    const grantId = "6b1f8a52-3c1e-4a8e-9a40-0d9a0f0c1d2e";
    const r = {
      ...c.record,
      userIdentity: {
        type: "AssumedRole",
        arn: `arn:aws:sts::111122223333:assumed-role/elevate-${grantId}/${grantId}`,
      },
    };
    const out = map(r);
    expect(out.kind).toBe("mapped");
    if (out.kind === "mapped")
      expect(out.event).toMatchObject({ sessionName: grantId, roleName: `elevate-${grantId}` });
  });

  it.each(own("gcp-cases.json") as Case[])("GCP $record.protoPayload.methodName ($doc)", (c) => {
    expect(c.doc).toMatch(/^https:\/\/cloud\.google\.com\//);
    expect(summary(map(c.record))).toMatchObject(
      c.expect.unmappable ? { unmappable: c.expect.unmappable } : c.expect,
    );
  });

  it("GCP: the samples' authorizationInfo, the principal and the project", () => {
    const entry = JSON.parse(
      readFileSync(
        path.join(__dirname, "../__fixtures__/google/LogEntryData-pubsubCreateTopic.json"),
        "utf8",
      ),
    );
    const out = map(entry);
    expect(out.kind).toBe("mapped");
    if (out.kind !== "mapped") return;
    expect(out.event).toMatchObject({
      cloud: "gcp",
      eventId: "projects/test-project/logs/cloudaudit.googleapis.com%2Factivity|9frck8cf9j",
      principal: "robot@test-project.iam.gserviceaccount.com",
      scope: "test-project",
      operation: "google.pubsub.v1.Publisher.CreateTopic",
      checks: [{ permission: "pubsub.topics.create", allowed: true, resource: "projects/test-project" }],
    });
  });

  it("Azure: az activity-log list output (final states only) and a diagnostic export", () => {
    const got = (own("azure-activity-log-list.json") as Record<string, unknown>[]).map((e) =>
      summary(map(e)),
    );
    expect(got).toEqual([
      { unmappable: "azure: intermediate status (the final event is counted)" },
      {
        permission: "Microsoft.Compute/virtualMachines/restart/action",
        allowed: true,
        resource: expect.any(String),
      },
      {
        permission: "Microsoft.Compute/virtualMachines/delete",
        allowed: false,
        resource: expect.any(String),
      },
      { permission: "Microsoft.Compute/virtualMachines/write", allowed: true, resource: expect.any(String) },
      { unmappable: "azure operation not in catalog: Microsoft.Nothing/things/write" },
    ]);
    const [ok, denied] = own("azure-diagnostic-export.json").records.map(map) as Outcome[];
    expect(ok.kind === "mapped" && ok.event).toMatchObject({
      principal: "alice@example.com",
      scope: "00000000-0000-4000-8000-000000000001",
      roleAssignmentId: "0123456789abcdef0123456789abcdef",
      checks: [{ permission: "Microsoft.Storage/storageAccounts/listKeys/action", allowed: true }],
    });
    expect(summary(denied)).toMatchObject({
      permission: "Microsoft.Storage/storageAccounts/write",
      allowed: false,
    });
  });

  it("counts malformed records with their reason", () => {
    expect(summary(map({ eventSource: "s3.amazonaws.com", eventName: "GetObject" }))).toEqual({
      malformed: "aws: no eventID",
    });
    expect(
      summary(map({ eventID: "x", eventTime: 42, eventSource: "s3.amazonaws.com", eventName: 7 })),
    ).toEqual({
      malformed: "aws: no eventSource or eventName",
    });
    expect(summary(map({ CloudTrailEvent: "{not json" }))).toEqual({
      malformed: "aws: embedded CloudTrailEvent is not JSON",
    });
    expect(summary(map({ hello: "world" }))).toEqual({
      malformed: "not a CloudTrail, Cloud Audit Logs or Activity Log record",
    });
    expect(summary(map([1, 2]))).toEqual({ malformed: "not an object" });
  });
});
