import { describe, expect, it } from "vitest";
import { confidence } from "../confidence";
import { keepUsed } from "../recommend-templates";
import { unloggedFamily } from "../unlogged";

describe("safeguards for what logs cannot show", () => {
  it("keeps unused data-plane permissions unless that kind of call was seen in the window", () => {
    const current = ["s3:GetObject", "s3:PutBucketPolicy", "s3:GetBucketLocation"];
    const used = new Set(["s3:getbucketlocation"]);
    expect(keepUsed("aws", current, used, new Set())).toEqual({
      kept: ["s3:GetObject", "s3:GetBucketLocation"],
      keptUnlogged: ["s3:GetObject"],
    });
    expect(keepUsed("aws", current, used, new Set(["aws:s3-data"])).kept).toEqual(["s3:GetBucketLocation"]);
  });

  it("classifies the clouds' default-off logs", () => {
    expect(unloggedFamily("aws", "dynamodb:GetItem")).toBe("aws:dynamodb-data");
    expect(unloggedFamily("aws", "ec2:DescribeInstances")).toBeNull();
    expect(unloggedFamily("gcp", "compute.instances.get")).toBe("gcp:data-access");
    expect(unloggedFamily("gcp", "compute.instances.start")).toBeNull();
    expect(unloggedFamily("gcp", "bigquery.tables.get")).toBeNull();
    expect(unloggedFamily("azure", "Microsoft.Compute/virtualMachines/read")).toBe("azure:read");
    expect(unloggedFamily("azure", "Microsoft.Compute/virtualMachines/restart/action")).toBeNull();
  });
});

describe("confidence", () => {
  it("grows with evidence and shrinks with subjects that show no calls at all", () => {
    expect(confidence(0, 0)).toEqual({ score: 0, level: "low" });
    expect(confidence(3, 3)).toEqual({ score: 0.5, level: "medium" });
    expect(confidence(9, 9)).toEqual({ score: 0.75, level: "high" });
    expect(confidence(9, 18).score).toBe(0.38);
  });
});
