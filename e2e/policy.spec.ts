import { expect, type Page } from "@playwright/test";
import { expectAccessible, test } from "./fixtures";

// The policy editor, the simulation of a draft and the four-eyes flow with two admins, in a real browser.
// The change it makes is harmless to the other specs: it refuses requests from the `security` group,
// whose only persona (the auditor) never requests.

const RULE = `rules:
  - id: no-security-requests
    description: e2e four-eyes
    match: { requesterGroups: [security] }
    decide: { deny: true }`;

async function setAdmin(admin: Page, who: string, on: boolean) {
  await admin.goto("/admin/users");
  const form = admin.getByRole("form", { name: `Local roles of ${who}` });
  const box = form.getByRole("checkbox", { name: "admin" });
  if (on) await box.check();
  else await box.uncheck();
  await form.getByRole("button", { name: "Save roles" }).click();
  await expect(form.getByText("Saved.")).toBeVisible();
}

test("an admin edits the policy with a diff, simulates the draft, and a second admin approves it", async ({
  as,
}) => {
  const ada = await as("admin");
  await ada.goto("/admin/policies");
  await expect(ada.getByText("Version 1 is active")).toBeVisible();
  await expectAccessible(ada, "admin-policies");

  const editor = ada.getByLabel("Policy document (YAML or JSON)");
  const active = await editor.inputValue();
  expect(active).toContain("rules: []");
  await editor.fill(active.replace("rules: []", RULE));
  const diff = ada.getByRole("region", { name: "Policy diff" });
  // Each line is marked by a sign (hidden from screen readers) and by words ("removed:", "added:").
  await expect(diff).toContainText("removed: rules: []");
  await expect(diff).toContainText("added: rules:");
  await expect(diff).toContainText("id: no-security-requests");

  // Simulation of the unsaved draft: who may request, who approves, what is automatic.
  await ada.getByLabel("Targets", { exact: true }).selectOption({ label: "aws-sandbox-prod (aws)" });
  await ada.getByLabel("Template", { exact: true }).selectOption({ label: "Read logs (medium risk)" });
  await ada.getByRole("button", { name: "Simulate" }).click();
  const result = ada.getByRole("status", { name: "Simulation result" });
  await expect(result).toContainText("Allowed");
  await expect(result).toContainText("Approvals required: 1, from approvers (");
  await expect(result).toContainText("Avery Approver");
  await expect(result).toContainText("Jordan Approver");
  await expect(result).toContainText("Automatic: no");
  await expect(result).toContainText("May request:");
  await expect(result).toContainText("engineering");
  await expect(result).not.toContainText("security");

  // A bad draft is refused, naming the field; nothing is proposed.
  await editor.fill(active.replace("approvalsRequired: 1", "approvalsRequired: 0"));
  await ada.getByRole("button", { name: "Propose change" }).click();
  await expect(ada.getByText(/document\.defaults\.approvalsRequired/)).toBeVisible();

  await editor.fill(active.replace("rules: []", RULE));
  await ada.getByLabel("Why this change").fill("e2e: security does not request");
  await ada.getByRole("button", { name: "Propose change" }).click();
  await expect(ada.getByText("another admin must approve it")).toBeVisible();

  // The author cannot approve their own change.
  await ada.goto("/admin/policies");
  const change = ada.getByRole("article").filter({ hasText: "e2e: security does not request" });
  await expect(change).toContainText("Another admin must approve your change.");
  await expect(change.getByRole("button", { name: "Approve change" })).toHaveCount(0);
  await expect(ada.getByText("Version 1 is active")).toBeVisible();

  // A second admin (Jordan, made admin for this test) sees the diff and approves it.
  await setAdmin(ada, "Jordan Approver", true);
  try {
    const jordan = await as("approver2");
    await jordan.goto("/admin/policies");
    const pending = jordan.getByRole("article").filter({ hasText: "e2e: security does not request" });
    await expect(pending.getByRole("region", { name: "Policy diff" })).toContainText("no-security-requests");
    await pending.getByLabel("Comment", { exact: true }).fill("looks right");
    await pending.getByRole("button", { name: "Approve change" }).click();
    await expect(jordan.getByText("Version 2 is active")).toBeVisible();
    await expect(jordan.getByText("No pending changes.")).toBeVisible();
  } finally {
    await setAdmin(ada, "Jordan Approver", false);
  }

  // Every step is in the audit log.
  await ada.goto("/audit");
  await expect(ada.locator("code", { hasText: "policy.change_approved" }).first()).toBeVisible();
  await expect(ada.locator("code", { hasText: "policy.change_proposed" }).first()).toBeVisible();
});
