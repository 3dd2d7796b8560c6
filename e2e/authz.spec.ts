import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { bearer, expect, mintToken, NAMES, submitRequest, TARGETS, test } from "./fixtures";

test("self-approval: no approve button for your own request, and the API refuses it", async ({
  as,
  request,
}) => {
  const approver = await as("approver");
  const own = await submitRequest(approver, {
    target: TARGETS.aws,
    template: "Read a bucket",
    minutes: 30,
    justification: "e2e: self-approval attempt",
  });
  await expect(approver.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
  await approver.goto("/inbox");
  await expect(approver.getByRole("heading", { name: /pending/ })).toBeVisible();
  await expect(approver.getByTestId(`inbox-${own}`)).toHaveCount(0);

  const token = await mintToken(approver, "e2e-self-approval");
  const res = await request.post(`/api/v1/requests/${own}/decision`, {
    headers: bearer(token),
    data: { verdict: "approve", comment: "approving myself" },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("forbidden");

  // Still pending for everyone else; the other approver can see and decide it.
  await approver.goto(`/requests/${own}`);
  await expect(approver.getByTestId("request-status")).toHaveText("pending");
  const other = await as("approver2");
  await other.goto("/inbox");
  await expect(other.getByTestId(`inbox-${own}`)).toContainText(NAMES.approver);
  await other.getByTestId(`inbox-${own}`).getByRole("button", { name: "Deny", exact: true }).click();
  await expect(other.getByTestId(`inbox-${own}`)).toHaveCount(0);
});

/** Admin ticks or unticks one local role of a user on /admin/users. */
async function setLocalRole(admin: Page, userName: string, role: string, on: boolean) {
  await admin.goto("/admin/users");
  const form = admin.getByRole("form", { name: `Local roles of ${userName}` });
  await form.getByLabel(role, { exact: true }).setChecked(on);
  await form.getByRole("button", { name: "Save roles" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");
}

test("an auditor cannot approve: no Approvals link, /inbox answers 403, the API refuses", async ({
  as,
  request,
}) => {
  const requester = await as("requester");
  const requestId = await submitRequest(requester, {
    target: TARGETS.gcp,
    template: "Read logs",
    minutes: 30,
    justification: "e2e: auditor must not approve",
  });

  // Auditors cannot mint tokens; lend the requester role just long enough to mint one, then take it back,
  // so the token acts with the auditor's own permissions (roles are re-read on every call).
  const admin = await as("admin");
  const auditor = await as("auditor");
  let token: string;
  await setLocalRole(admin, NAMES.auditor, "requester", true);
  try {
    token = await mintToken(auditor, "e2e-auditor");
  } finally {
    await setLocalRole(admin, NAMES.auditor, "requester", false);
  }

  await auditor.goto("/");
  const nav = auditor.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Audit" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Approvals" })).toHaveCount(0);
  const inbox = await auditor.goto("/inbox");
  expect(inbox?.status()).toBe(403);
  await expect(auditor.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();

  // The auditor reads every request, but without an approve button.
  await auditor.goto(`/requests/${requestId}`);
  await expect(auditor.getByTestId("request-status")).toHaveText("pending");
  await expect(auditor.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);

  const res = await request.post(`/api/v1/requests/${requestId}/decision`, {
    headers: bearer(token),
    data: { verdict: "approve" },
  });
  expect(res.status()).toBe(403);
  const read = await request.get(`/api/v1/requests/${requestId}`, { headers: bearer(token) });
  expect(read.status()).toBe(200);

  await requester.goto(`/requests/${requestId}`);
  await expect(requester.getByTestId("request-status")).toHaveText("pending");
  await requester.getByRole("button", { name: "Cancel request" }).click();
  await expect(requester.getByTestId("request-status")).toHaveText("cancelled");
});

test("ids that are not yours, do not exist or are malformed answer 404", async ({ as, request }) => {
  const approver = await as("approver");
  const theirs = await submitRequest(approver, {
    target: TARGETS.azure,
    template: "Read logs",
    minutes: 15,
    justification: "e2e: not for the requester's eyes",
  });

  const requester = await as("requester");
  for (const id of [theirs, randomUUID(), "not-a-uuid", "1%27%20OR%201=1"]) {
    const res = await requester.goto(`/requests/${id}`);
    expect(res?.status(), `/requests/${id}`).toBe(404);
    await expect(requester.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(requester.getByTestId("request-status")).toHaveCount(0);
  }

  const token = await mintToken(requester, "e2e-404");
  for (const id of [theirs, randomUUID(), "not-a-uuid"]) {
    const res = await request.get(`/api/v1/requests/${id}`, { headers: bearer(token) });
    expect(res.status(), `GET /api/v1/requests/${id}`).toBe(404);
  }
  const approverToken = await mintToken(approver, "e2e-404-approver");
  for (const id of [randomUUID(), "not-a-uuid"]) {
    const res = await request.post(`/api/v1/requests/${id}/decision`, {
      headers: bearer(approverToken),
      data: { verdict: "approve" },
    });
    expect(res.status(), `POST /api/v1/requests/${id}/decision`).toBe(404);
  }

  await approver.goto(`/requests/${theirs}`);
  await approver.getByRole("button", { name: "Cancel request" }).click();
  await expect(approver.getByTestId("request-status")).toHaveText("cancelled");
});
