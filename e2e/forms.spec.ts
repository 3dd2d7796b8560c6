import { expect, submitRequest, TARGETS, test } from "./fixtures";

test("the new-request form names the field that is wrong and keeps what was typed", async ({ as }) => {
  const page = await as("requester");
  await page.goto("/requests/new");
  await page.getByLabel("Target").selectOption({ label: TARGETS.aws });
  await page.getByLabel("What do you need to do?").selectOption({ label: "SSH to a VM" });

  // Preview before submit: approvers, duration, permissions and the exact cloud document.
  await page.getByRole("button", { name: "4 hours" }).click();
  await expect(page.getByLabel("Duration (minutes)")).toHaveValue("240");
  const preview = page.getByTestId("request-preview");
  await expect(preview.getByTestId("preview-approvers")).toContainText("approvers");
  await expect(preview.getByTestId("preview-duration")).toContainText(/4 hours|240/);
  await expect(preview.getByTestId("preview-permission-count")).toContainText(/\d+/);
  await expect(preview.getByTestId("preview-document")).toContainText("Statement");

  // Duration 0 → the duration field's own error; nothing is submitted.
  await page.getByLabel("Duration (minutes)").fill("0");
  await page.getByLabel("Justification").fill("e2e: validation");
  await page.getByRole("button", { name: "Submit request" }).click();
  const durationError = page.locator("#durationMinutes-error");
  await expect(durationError).toContainText(/duration/i);
  await expect(page.getByLabel("Duration (minutes)")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/requests\/new$/);
  await expect(page.getByLabel("Justification")).toHaveValue("e2e: validation");

  // Longer than the policy allows (8 hours) → the duration field again, with the limit.
  await page.getByLabel("Duration (minutes)").fill("600");
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(durationError).toContainText(/480/);

  // Missing justification → the justification field's error; the duration error is gone.
  await page.getByRole("button", { name: "1 hour" }).click();
  await page.getByLabel("Justification").fill("");
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.locator("#justification-error")).toContainText(/justification/i);
  await expect(page.getByLabel("Justification")).toHaveAttribute("aria-invalid", "true");
  await expect(durationError).toHaveCount(0);

  // A ticket link that is not http(s) → the ticket field.
  await page.getByLabel("Justification").fill("e2e: validation");
  await page.getByLabel("Ticket link (optional)").fill("javascript:alert(1)");
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.locator("#ticketUrl-error")).toContainText(/ticketUrl|link/i);
  await expect(page).toHaveURL(/\/requests\/new$/);

  // Break glass where the policy does not allow it (the default policy) → the checkbox's own error,
  // nothing is submitted; unticked, the same form goes through below.
  await page.getByLabel("Ticket link (optional)").fill("https://tickets.example/INC-42");
  const breakGlass = page.getByLabel(/^Break glass: emergency access now/);
  await breakGlass.check();
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.locator("#breakGlass-error")).toContainText("not allowed by the access policy");
  await expect(page).toHaveURL(/\/requests\/new$/);
  await breakGlass.uncheck();

  // Fixed, it goes through.
  await page.getByLabel("Ticket link (optional)").fill("https://tickets.example/INC-42");
  await page.getByRole("button", { name: "Submit request" }).click();
  await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("request-status")).toHaveText("pending");
  await expect(page.getByTestId("toast").filter({ hasText: "Request submitted" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel request" }).click();
  await expect(page.getByTestId("request-status")).toHaveText("cancelled");
});

test("my requests filters by status and target", async ({ as }) => {
  const page = await as("requester");
  const kept = await submitRequest(page, {
    target: TARGETS.azure,
    template: "Read a bucket",
    minutes: 15,
    justification: "e2e: filter pending",
  });
  const dropped = await submitRequest(page, {
    target: TARGETS.azure,
    template: "Read a bucket",
    minutes: 15,
    justification: "e2e: filter cancelled",
  });
  await page.getByRole("button", { name: "Cancel request" }).click();
  await expect(page.getByTestId("request-status")).toHaveText("cancelled");

  await page.goto("/requests");
  await expect(page.getByTestId(`request-${kept}`)).toBeVisible();
  await expect(page.getByTestId(`request-${dropped}`)).toBeVisible();
  await page.getByLabel("Status").selectOption("cancelled");
  await page.getByLabel("Target").selectOption({ label: TARGETS.azure });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/status=cancelled/);
  await expect(page.getByTestId(`request-${dropped}`)).toBeVisible();
  await expect(page.getByTestId(`request-${kept}`)).toHaveCount(0);
  const rows = page.getByTestId(/^request-/);
  for (const row of await rows.all()) await expect(row).toContainText("cancelled");

  await page.getByTestId(`request-${dropped}`).getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/requests/${dropped}$`));
  await page.goto(`/requests/${kept}`);
  await page.getByRole("button", { name: "Cancel request" }).click();
  await expect(page.getByTestId("request-status")).toHaveText("cancelled");
});
