import { expect, test } from "@playwright/test";
import { signInAs, submitRequest } from "./fixtures";

test("health answers ok on the embedded default", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ status: "ok", db: "pglite", workflows: "inline" });
});

test("request → approve as another persona → active → revoked after expiry", async ({ browser }) => {
  const requester = await signInAs(browser, "requester");
  const requestId = await submitRequest(requester, {
    target: "aws-sandbox-prod (aws)",
    template: "Read logs",
    minutes: 1,
    justification: "e2e: investigate INC-1234",
  });

  const approver = await signInAs(browser, "approver");
  await approver.goto("/inbox");
  const row = approver.getByTestId(`inbox-${requestId}`);
  await expect(row).toContainText("Riley Requester");
  await row.getByRole("button", { name: "Approve" }).click();
  await expect(approver.getByTestId(`inbox-${requestId}`)).toHaveCount(0);

  await requester.goto(`/requests/${requestId}`);
  await expect(requester.getByTestId("request-status")).toHaveText("approved");
  await expect(requester.getByTestId("grant-status")).toHaveText("active");
  await requester.goto("/");
  await expect(requester.getByTestId(/^grant-/).first()).toContainText("active");

  // The grant lasts one minute; the inline driver's timer revokes it on time.
  await expect(async () => {
    await requester.goto(`/requests/${requestId}`);
    await expect(requester.getByTestId("grant-status")).toHaveText("revoked", { timeout: 1_000 });
  }).toPass({ timeout: 100_000, intervals: [5_000] });
  await expect(requester.getByTestId("request-status")).toHaveText("completed");
});

test("an approver never sees an approve button on their own request", async ({ browser }) => {
  const approver = await signInAs(browser, "approver");
  const requestId = await submitRequest(approver, {
    target: "gcp-sandbox-prod (gcp)",
    template: "Read a bucket",
    minutes: 30,
    justification: "e2e: own request",
  });
  await approver.goto("/inbox");
  await expect(approver.getByTestId(`inbox-${requestId}`)).toHaveCount(0);
  await approver.goto(`/requests/${requestId}`);
  await expect(approver.getByRole("button", { name: "Approve" })).toHaveCount(0);
});
