import { describe, expect, it } from "vitest";
import { diffTemplates, isEmptyDiff, type TemplateContent } from "./diff";

const base: TemplateContent = {
  name: "SSH",
  description: "Log in",
  risk: "medium",
  placeholders: ["instance"],
  permissions: {
    aws: ["ssm:StartSession", "ec2:DescribeInstances"],
    gcp: ["compute.instances.get"],
    azure: [],
  },
};

describe("diffTemplates", () => {
  it("lists added and removed permissions per cloud and the fields that changed", () => {
    const next = {
      ...base,
      risk: "high" as const,
      permissions: { ...base.permissions, aws: ["ec2:DescribeInstances", "ssm:TerminateSession"] },
    };
    const d = diffTemplates(base, next);
    expect(d.fields).toEqual([{ field: "risk", from: "medium", to: "high" }]);
    expect(d.permissions.aws).toEqual({ added: ["ssm:TerminateSession"], removed: ["ssm:StartSession"] });
    expect(d.permissions.gcp).toEqual({ added: [], removed: [] });
    expect(isEmptyDiff(d)).toBe(false);
  });

  it("treats a new template as everything added, and an identical one (in any order) as no change", () => {
    const d = diffTemplates(null, base);
    expect(d.fields.map((f) => f.field)).toEqual(["name", "description", "risk", "placeholders"]);
    expect(d.permissions.aws.added).toEqual(["ec2:DescribeInstances", "ssm:StartSession"]);
    const reordered = {
      ...base,
      permissions: { ...base.permissions, aws: [...base.permissions.aws].reverse() },
    };
    expect(isEmptyDiff(diffTemplates(base, reordered))).toBe(true);
  });
});
