import { randomUUID } from "node:crypto";
import {
  bearer,
  decideInInbox,
  expect,
  expectAccessible,
  expectGrantStatus,
  mintToken,
  submitRequest,
  TARGETS,
  test,
} from "./fixtures";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const PERMISSIONS = [
  "ec2:DescribeInstances",
  "ec2:StartInstances",
  "ec2:StopInstances",
  "ec2:RebootInstances",
  "ec2:DescribeVolumes",
  "ec2:GetConsoleOutput",
];

test("uploaded CloudTrail log: used/granted on the request, a recommendation on the report, applied as a new template version", async ({
  as,
  request,
}) => {
  const suffix = randomUUID().slice(0, 8);
  const key = `e2e.ops-${suffix}`;
  const name = `E2E operate ${suffix}`;
  const admin = await as("admin");
  const token = await mintToken(admin, `e2e-usage-${suffix}`);
  const created = await request.post("/api/v1/templates", {
    headers: bearer(token),
    data: {
      key,
      name,
      description: "e2e: a broad template to right-size",
      risk: "high",
      placeholders: ["instance"],
      permissions: { aws: PERMISSIONS, gcp: [], azure: [] },
    },
  });
  expect(created.status()).toBe(201);

  const requester = await as("requester");
  const requestId = await submitRequest(requester, {
    target: TARGETS.aws,
    template: name,
    minutes: 60,
    resource: "i-0e2e5678",
    justification: "e2e: usage and right-sizing",
  });
  await decideInInbox(await as("approver"), requestId, "Approve");
  await expectGrantStatus(requester, requestId, "active");
  const cardTitle = requester.locator('[id^="grant-"][id$="-card-title"]');
  const grantId = ((await cardTitle.getAttribute("id")) ?? "").match(UUID)?.[0] as string;
  expect(grantId).toMatch(UUID);

  // Two of the six permissions used, one call denied: a CloudTrail delivery file (the S3 `{"Records":[…]}`
  // shape, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
  // of the grant's own role session, uploaded by the admin in the portal.
  const session = `arn:aws:sts::111122223333:assumed-role/elevate-${grantId}/${grantId}`;
  const call = (eventName: string, errorCode?: string) => ({
    eventVersion: "1.08",
    userIdentity: { type: "AssumedRole", arn: session, accountId: "111122223333" },
    eventTime: new Date().toISOString(),
    eventSource: "ec2.amazonaws.com",
    eventName,
    awsRegion: "eu-west-1",
    eventID: randomUUID(),
    recipientAccountId: "111122223333",
    ...(errorCode ? { errorCode, errorMessage: "You are not authorized to perform this operation." } : {}),
  });
  const records = [
    call("DescribeInstances"),
    call("DescribeInstances"),
    call("DescribeInstances"),
    call("RebootInstances"),
    call("TerminateInstances", "Client.UnauthorizedOperation"),
  ];
  await admin.goto("/admin/usage");
  await admin.getByLabel(/Log file/).setInputFiles({
    name: `cloudtrail-${suffix}.json`,
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ Records: records })),
  });
  await admin.getByRole("button", { name: "Import" }).click();
  const result = admin.getByTestId("usage-import-result");
  await expect(result).toContainText("Imported");
  await expect(result).toContainText('"records":5');
  await expect(result).toContainText('"attributed":5');
  await expectAccessible(admin, "usage upload");

  await requester.goto(`/requests/${requestId}`);
  await expect(requester.getByTestId("grant-usage-summary")).toContainText("Used 2 of 6 permissions");
  await expect(requester.getByTestId("grant-usage-summary")).toContainText("1 denied attempts");
  const table = requester.getByTestId("grant-usage-table");
  await expect(table.getByRole("row", { name: /ec2:DescribeInstances/ })).toContainText("used");
  await expect(table.getByRole("row", { name: /ec2:TerminateInstances/ })).toContainText("not granted");
  await expectAccessible(requester, "request with usage");

  await admin.goto("/reports/rightsizing");
  const card = admin.getByRole("region", { name: `${name}: drop 4 unused aws permissions` });
  await expect(card).toBeVisible();
  await expect(card).toContainText("ec2:StopInstances");
  await expect(card).toContainText("confidence");
  await expectAccessible(admin, "right-sizing");
  await card.getByRole("button", { name: "Apply as a new version" }).click();

  await admin.waitForURL((url) => url.pathname === `/admin/templates/${key}`);
  await expect(admin.getByRole("heading", { level: 1 })).toContainText("version 2");
  const v2 = admin.getByTestId("template-version-2");
  await expect(v2).toContainText("ec2:StartInstances");
  await expect(v2).toContainText("ec2:GetConsoleOutput");

  const auditor = await as("auditor");
  await auditor.goto("/reports/usage");
  await expect(auditor.getByRole("heading", { name: "Usage reports" })).toBeVisible();
  await auditor.getByRole("button", { name: "Refresh recent days" }).click();
  await expect(auditor.getByTestId("chart-grants-by-template")).toContainText(key);
  await expect(auditor.getByTestId("chart-used-ratio")).toContainText(key);
  await expectAccessible(auditor, "usage reports");
});

test("a large upload (over 16 MB, mapped in the ingest worker under next start) is imported whole", async ({
  as,
}) => {
  const admin = await as("admin");
  // JSON lines, as `aws cloudtrail lookup-events` piped through jq or an EventBridge archive writes them:
  // 17,000 calls of about 1 KB by a standing role, so the upload crosses PARALLEL_FROM_BYTES.
  const account = String(100_000_000_000 + Math.floor(Math.random() * 1e9));
  const pad = "x".repeat(700);
  const lines = Array.from({ length: 17_000 }, (_, i) =>
    JSON.stringify({
      eventVersion: "1.08",
      userIdentity: { type: "AssumedRole", arn: `arn:aws:sts::${account}:assumed-role/Ops/user${i % 40}` },
      eventTime: new Date(Date.now() - i * 1000).toISOString(),
      eventSource: "s3.amazonaws.com",
      eventName: "GetObject",
      eventID: randomUUID(),
      recipientAccountId: account,
      requestParameters: { bucketName: "e2e-large-upload", key: `objects/${i}/${pad}` },
    }),
  );
  const body = Buffer.from(`${lines.join("\n")}\n`);
  expect(body.length).toBeGreaterThan(16 * 1024 * 1024);
  await admin.goto("/admin/usage");
  await admin
    .getByLabel(/Log file/)
    .setInputFiles({ name: "large.jsonl", mimeType: "application/json", buffer: body });
  await admin.getByRole("button", { name: "Import" }).click();
  const result = admin.getByTestId("usage-import-result");
  await expect(result).toContainText("Imported", { timeout: 60_000 });
  await expect(result).toContainText('"records":17000');
  await expect(result).toContainText('"mapped":17000');
  await expect(result).toContainText('"malformed":0');
  await expect(result).toContainText('"duplicates":0');
});
