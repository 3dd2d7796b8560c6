import { readFileSync } from "node:fs";
import { PDFDocument } from "pdf-lib";
import {
  decideInInbox,
  expect,
  expectAccessible,
  expectGrantStatus,
  submitRequest,
  TARGETS,
  test,
} from "./fixtures";

test("an auditor reads the compliance report, changes its grouping and downloads it as CSV and PDF", async ({
  as,
}) => {
  const requester = await as("requester");
  const requestId = await submitRequest(requester, {
    target: TARGETS.aws,
    template: "Read logs",
    minutes: 30,
    justification: "e2e: compliance report",
  });
  await decideInInbox(await as("approver"), requestId, "Approve");
  await expectGrantStatus(requester, requestId, "active");

  const auditor = await as("auditor");
  await auditor.goto("/");
  await auditor.getByRole("link", { name: "Compliance" }).click();
  await expect(auditor.getByRole("heading", { name: "Compliance reports" })).toBeVisible();
  await expect(auditor.getByTestId("standing-access-statement")).toContainText(
    "is accounted for by a live grant",
  );
  const access = auditor.getByRole("region", { name: "Access by person" });
  await expect(access).toContainText("requester@");
  await expect(access.getByRole("list", { name: "Controls evidenced" })).toContainText("SOC 2 CC6.3");
  await expect(auditor.getByRole("region", { name: "Revocation lateness" })).toBeVisible();
  await expect(auditor.getByRole("region", { name: "Control mapping" })).toContainText(
    "ISO/IEC 27001:2022 A.8.2 Privileged access rights",
  );
  await expectAccessible(auditor, "compliance report");

  await auditor.getByLabel("Group by").selectOption("target");
  await auditor.getByRole("button", { name: "Show report" }).click();
  await expect(auditor).toHaveURL(/by=target/);
  await expect(auditor.getByRole("region", { name: "Access by target" })).toContainText("aws-sandbox-prod");

  const [csv] = await Promise.all([
    auditor.waitForEvent("download"),
    auditor.getByTestId("download-csv").click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^elevate-access-.*-by-target\.csv$/);
  const text = readFileSync((await csv.path()) as string, "utf8");
  expect(text.split("\r\n")[0]).toBe(
    "section,group,grant_id,request_id,person,target,template,status,activated_at,expires_at,revoked_at,approvals,removal,detail",
  );
  expect(text).toContain(requestId);

  const [pdf] = await Promise.all([
    auditor.waitForEvent("download"),
    auditor.getByTestId("download-pdf").click(),
  ]);
  expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
  const doc = await PDFDocument.load(readFileSync((await pdf.path()) as string));
  expect(doc.getTitle()).toBe("Elevate access report");
  expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);

  // The same grant's evidence pack, from the request page: signed JSON (verified offline by
  // `npx elevate evidence verify`, tested in cli/__tests__/audit-cli.test.ts) and its PDF.
  await auditor.goto(`/requests/${requestId}`);
  const evidence = auditor.getByTestId("evidence-downloads");
  await expect(evidence).toContainText("aws-sandbox-prod");
  const [packFile] = await Promise.all([
    auditor.waitForEvent("download"),
    evidence.getByRole("link", { name: "Evidence (JSON, signed)" }).click(),
  ]);
  expect(packFile.suggestedFilename()).toMatch(/^elevate-evidence-[0-9a-f-]{36}\.json$/);
  const pack = JSON.parse(readFileSync((await packFile.path()) as string, "utf8"));
  expect(pack.format).toBe("elevate-evidence/v1");
  expect(pack.grant.requestId).toBe(requestId);
  expect(pack.sections.justification.justification).toBe("e2e: compliance report");
  expect(pack.signature.keyId).toMatch(/^[0-9a-f]{16}$/);
  const [packPdf] = await Promise.all([
    auditor.waitForEvent("download"),
    evidence.getByRole("link", { name: "Evidence (PDF)" }).click(),
  ]);
  const evidenceDoc = await PDFDocument.load(readFileSync((await packPdf.path()) as string));
  expect(evidenceDoc.getTitle()).toBe(`Evidence: grant ${pack.grant.id}`);
});

test("an admin opens an access review and confirms a template", async ({ as }) => {
  const admin = await as("admin");
  await admin.goto("/reviews");
  await admin.getByLabel("Name").fill("e2e review");
  await admin.getByRole("button", { name: "Start" }).click();
  await admin.waitForURL(/\/reviews\/[0-9a-f-]{36}$/);
  await expect(admin.getByRole("heading", { name: "e2e review" })).toBeVisible();
  const templates = admin.getByRole("region", { name: "Task templates" });
  await expect(templates).toContainText("Read logs");
  const row = templates.getByRole("row").filter({ hasText: "Read logs" });
  await row.getByRole("button", { name: "Confirm" }).click();
  await expect(row).toContainText("confirmed by admin@");
  await expectAccessible(admin, "access review");
});
