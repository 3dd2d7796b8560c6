import { decideInInbox, expect, expectGrantStatus, NAMES, submitRequest, TARGETS, test } from "./fixtures";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

test("an admin revokes a live grant now, with a reason the requester and the audit log see", async ({
  as,
}) => {
  const requester = await as("requester");
  const requestId = await submitRequest(requester, {
    target: TARGETS.gcp,
    template: "SSH to a VM",
    minutes: 120,
    resource: "us-central1-a/vm-e2e-revoke",
    justification: "e2e: admin will revoke this",
  });
  await decideInInbox(await as("approver"), requestId, "Approve");
  await expectGrantStatus(requester, requestId, "active");
  const cardTitle = requester.locator('[id^="grant-"][id$="-card-title"]');
  const grantId = ((await cardTitle.getAttribute("id")) ?? "").match(UUID)?.[0] as string;
  expect(grantId).toMatch(UUID);

  const admin = await as("admin");
  await admin.goto("/admin/grants");
  const row = admin.getByTestId(`admin-grant-${grantId}`);
  await expect(row).toContainText(NAMES.requester);
  await expect(row).toContainText("SSH to a VM");

  // Filter by the person's email (typed, not picked from a list of everyone): their grant stays, and an
  // unknown email is named as such.
  const email = ((await row.locator("td").first().locator("div").nth(1).textContent()) ?? "").trim();
  await admin.getByLabel("User email").fill(email.toUpperCase());
  await admin.getByRole("button", { name: "Filter" }).click();
  await expect(admin).toHaveURL(/user=/);
  await expect(row).toBeVisible();
  await admin.getByLabel("User email").fill("nobody@example.invalid");
  await admin.getByRole("button", { name: "Filter" }).click();
  await expect(admin.getByText("nobody in this organization has the email")).toBeVisible();
  await expect(row).toHaveCount(0);
  await admin.goto("/admin/grants");

  await row.getByRole("button", { name: "Revoke" }).click();
  // The reason is required: an empty one is refused by the browser before anything is sent.
  await row.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(row.getByLabel("Reason (required)")).toHaveJSProperty("validity.valueMissing", true);
  await row.getByLabel("Reason (required)").fill("e2e: incident closed");
  await row.getByRole("button", { name: "Confirm revoke" }).click();
  // The row leaves the live list (or shows the revocation under way) once the server has it.
  await expect(row.getByRole("button", { name: "Confirm revoke" })).toHaveCount(0);

  await expectGrantStatus(requester, requestId, "revoked");
  await expect(requester.getByTestId("request-timeline")).toContainText("e2e: incident closed");
  await admin.goto("/admin/grants");
  await expect(admin.getByTestId(`admin-grant-${grantId}`)).toHaveCount(0);

  const auditor = await as("auditor");
  await auditor.goto(`/audit?subjectId=${grantId}`);
  await expect(auditor.getByTestId("audit-chain-status")).toContainText("verified");
  const events = auditor.getByTestId(/^audit-event-/);
  const requested = events.filter({ hasText: "grant.revoke_requested" });
  await expect(requested).toHaveCount(1);
  await expect(requested).toContainText(NAMES.admin);
  await expect(requested).toContainText("e2e: incident closed");
});

test("the audit log's hash chain verifies, for auditors and admins", async ({ as }) => {
  for (const persona of ["auditor", "admin"] as const) {
    const page = await as(persona);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
    await expect(page).toHaveURL(/\/audit$/);
    const status = page.getByTestId("audit-chain-status");
    await expect(status).toContainText("verified");
    await expect(status).not.toContainText("broken");
    await expect(page.getByTestId(/^audit-event-/).first()).toBeVisible();
  }
});

test("the health panel reports database, workflows, reconciler and stuck grants", async ({ as }) => {
  const admin = await as("admin");
  await admin.goto("/admin/health");
  await expect(admin.getByTestId("health-database")).toContainText("reachable");
  await expect(admin.getByTestId("health-database")).toContainText("PGlite");
  await expect(admin.getByTestId("health-workflows")).toContainText("Inline");
  await expect(admin.getByTestId("health-reconciler")).toContainText("running");
  await expect(admin.getByTestId("health-reconciler")).not.toContainText("not running");
  await expect(admin.getByTestId("health-stuck")).toContainText("none stuck");

  // Non-admins get the 403 page, not the panel.
  const requester = await as("requester");
  const res = await requester.goto("/admin/health");
  expect(res?.status()).toBe(403);
  await expect(requester.getByTestId("health-database")).toHaveCount(0);
});

test("an admin sets the policy fields rules match on; a bad tag names the field and saves nothing", async ({
  as,
}) => {
  const admin = await as("admin");
  await admin.goto("/admin/targets");
  const form = admin.getByRole("form", { name: "Policy fields of azure-sandbox-prod" });
  await form.getByLabel("Tags (comma-separated)").fill("e2e, bad tag!");
  await form.getByRole("button", { name: "Save policy fields" }).click();
  await expect(form.getByRole("alert")).toContainText("tags");
  await admin.reload();
  await expect(form.getByLabel("Tags (comma-separated)")).toHaveValue("");

  await form.getByLabel("Tags (comma-separated)").fill("e2e, sandbox");
  await form.getByLabel("Environment").fill("e2e-staging");
  await form.getByRole("button", { name: "Save policy fields" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");
  await admin.reload();
  await expect(form.getByLabel("Tags (comma-separated)")).toHaveValue("e2e, sandbox");
  await expect(form.getByLabel("Environment")).toHaveValue("e2e-staging");
});
