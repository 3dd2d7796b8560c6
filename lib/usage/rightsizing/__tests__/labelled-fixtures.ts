import type { Db } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { createTemplate } from "@/lib/templates/create";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { userCtx } from "@/lib/testing/ctx";
import { insertUsageEvents } from "@/lib/testing/usage-events";

/**
 * Labelled fixtures: grants whose used and never-used permissions are known in advance, so a test can
 * measure what a recommended role keeps and drops. Each label lists the template's permissions that were
 * observed allowed; every other permission of the template was never observed.
 */
export const EC2_OPS = [
  "ec2:DescribeInstances",
  "ec2:DescribeInstanceStatus",
  "ec2:StartInstances",
  "ec2:StopInstances",
  "ec2:RebootInstances",
  "ec2:DescribeVolumes",
  "ec2:CreateTags",
  "ec2:DeleteTags",
  "ec2:GetConsoleOutput",
  "ec2:GetConsoleScreenshot",
  "ec2:ModifyInstanceAttribute",
  "ec2:DescribeSnapshots",
  "ec2:MonitorInstances",
  "ec2:UnmonitorInstances",
  "ec2:DescribeTags",
];

export type Label = { key: string; cloud: "aws"; granted: string[]; observedAllowed: string[] };

export const LABELS: Label[] = [
  {
    key: "fixture.ec2-ops",
    cloud: "aws",
    granted: EC2_OPS,
    observedAllowed: [
      "ec2:DescribeInstances",
      "ec2:StartInstances",
      "ec2:StopInstances",
      "ec2:GetConsoleOutput",
    ],
  },
  {
    key: "vm.restart",
    cloud: "aws",
    granted: ["ec2:DescribeInstances", "ec2:RebootInstances", "ec2:StartInstances", "ec2:StopInstances"],
    observedAllowed: ["ec2:DescribeInstances", "ec2:RebootInstances"],
  },
];

export const EXPLICIT_SET = ["ec2:DescribeImages", "ec2:DescribeVolumes"];
export const STANDING_COVERED = "arn:aws:iam::111122223333:user/legacy-ci";
export const STANDING_UNCOVERED = "arn:aws:iam::111122223333:user/old-admin";

const PEOPLE = ["requester", "approver", "approver2", "admin"] as const;

/** Seeds the labelled grants and their observed calls in `org`; returns the grants by template key. */
export async function seedLabelledUsage(db: Db, org: SeededOrg) {
  await createTemplate({
    ctx: await userCtx(db, org.users.admin),
    input: {
      key: "fixture.ec2-ops",
      name: "Operate an EC2 instance",
      description: "Labelled fixture: a broad EC2 operations template.",
      risk: "high",
      placeholders: ["instance"],
      permissions: { aws: EC2_OPS, gcp: [], azure: [] },
    },
  });
  const templates = await db.query.taskTemplates.findMany({ where: (t, { eq }) => eq(t.orgId, org.org.id) });
  const latest = (key: string) =>
    templates.filter((t) => t.key === key).sort((a, b) => b.version - a.version)[0];
  const byKey: Record<string, string[]> = {};
  for (const label of LABELS) {
    const grantsMade: string[] = [];
    const count = label.key === "fixture.ec2-ops" ? 5 : 2;
    for (let i = 0; i < count; i++) {
      const { grantId } = await activeGrantFor(db, org, PEOPLE[i % PEOPLE.length], {
        targetId: org.targets.aws.id,
        templateId: latest(label.key).id,
        resource: `i-0abc12${i}4`,
      });
      grantsMade.push(grantId);
      // Each grant uses a rotating part of the labelled set; together they use all of it.
      const share = label.observedAllowed.filter((_, j) => j % count === i % count || j === 0);
      await insertUsageEvents(
        db,
        org.org.id,
        share.map((permission) => ({ grantId, permission, times: 2 })),
      );
    }
    byKey[label.key] = grantsMade;
  }
  // Denied calls on the broad template: one permission repeatedly (a candidate), one once (noise).
  const ec2 = byKey["fixture.ec2-ops"];
  await insertUsageEvents(db, org.org.id, [
    { grantId: ec2[0], permission: "ec2:TerminateInstances", allowed: false, times: 2 },
    { grantId: ec2[1], permission: "ec2:TerminateInstances", allowed: false },
    { grantId: ec2[2], permission: "ec2:CreateSnapshot", allowed: false },
  ]);
  // The same explicit permissions requested three times; only their first permission observed.
  for (const who of ["requester", "approver", "requester"] as const) {
    const { grantId } = await activeGrantFor(db, org, who, {
      targetId: org.targets.aws.id,
      permissions: EXPLICIT_SET,
    });
    await insertUsageEvents(db, org.org.id, [{ grantId, permission: "ec2:DescribeImages" }]);
  }
  // Standing access: one principal within what vm.ssh gives, one beyond any template.
  await insertUsageEvents(db, org.org.id, [
    { principal: STANDING_COVERED, permission: "ssm:StartSession", times: 3 },
    { principal: STANDING_COVERED, permission: "ec2:DescribeInstances" },
    { principal: STANDING_UNCOVERED, permission: "iam:ListUsers", times: 2 },
    { principal: STANDING_UNCOVERED, permission: "iam:GetUser" },
    { principal: STANDING_UNCOVERED, permission: "iam:DeleteUser", allowed: false },
  ]);
  return byKey;
}
