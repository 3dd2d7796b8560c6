import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { decideInInbox, expectGrantStatus, signInAs, submitRequest } from "./fixtures";

/**
 * Issue 13 in a real browser: the embedded default's Kubernetes cluster (a sandbox target) appears in the
 * request form and the targets page; "Restart a deployment" in a namespace is approved, becomes active, and
 * the requester downloads a kubeconfig for the grant (a sandbox token: it opens nothing real).
 */
test("request Kubernetes access, approve it, and download the grant's kubeconfig", async ({ browser }) => {
  const requester = await signInAs(browser, "requester");
  const requestId = await submitRequest(requester, {
    target: "k8s-sandbox-prod (kubernetes)",
    template: "Restart a deployment",
    resource: "shop",
    minutes: 30,
    justification: "e2e: roll the web pods for INC-77",
  });

  const approver = await signInAs(browser, "approver");
  await decideInInbox(approver, requestId, "Approve");

  await expectGrantStatus(requester, requestId, "active");
  await expect(requester.getByTestId("access-instructions")).toContainText("kubectl");
  const downloading = requester.waitForEvent("download");
  await requester.getByRole("button", { name: "Download kubeconfig" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^elevate-[0-9a-f]{8}\.kubeconfig$/);
  const config = JSON.parse(readFileSync((await download.path()) as string, "utf8"));
  expect(config).toMatchObject({
    kind: "Config",
    clusters: [{ name: "prod-eu" }],
    contexts: [{ context: { namespace: "shop" } }],
  });
  expect(config.users[0].user.token).toMatch(/^sandbox-[0-9a-f]{32}$/);
  await expect(requester.getByRole("status").filter({ hasText: "Token valid until" })).toBeVisible();
});

test("the targets page lists the Kubernetes cluster and offers Kubernetes when connecting", async ({
  browser,
}) => {
  const admin = await signInAs(browser, "admin");
  await admin.goto("/admin/targets");
  await expect(admin.getByRole("cell", { name: "k8s-sandbox-prod", exact: true })).toBeVisible();
  await expect(admin.getByRole("button", { name: "Test connection of k8s-sandbox-prod" })).toBeVisible();
  await admin.getByLabel("Cloud", { exact: true }).selectOption({ label: "Kubernetes" });
  await expect(admin.getByLabel("Cluster name")).toBeVisible();
  await expect(admin.getByLabel("Who is bound")).toBeVisible();
});
