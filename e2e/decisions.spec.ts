import {
  bearer,
  decideInInbox,
  expect,
  expectGrantStatus,
  mintToken,
  NAMES,
  submitRequest,
  TARGETS,
  test,
} from "./fixtures";

test("request → approve → active → give back early from home", async ({ as }) => {
  const requester = await as("requester");
  const requestId = await submitRequest(requester, {
    target: TARGETS.azure,
    template: "Read logs",
    minutes: 60,
    justification: "e2e: give back early",
  });

  const approver = await as("approver2");
  await decideInInbox(approver, requestId, "Approve", "looks fine");
  await expect(approver.getByTestId("toast").filter({ hasText: "Request approved" })).toBeVisible();

  await expectGrantStatus(requester, requestId, "active");
  await expect(requester.getByTestId("request-status")).toHaveText("approved");
  await expect(requester.getByTestId("access-instructions")).toBeVisible();
  await expect(requester.getByTestId("request-timeline")).toContainText(
    `Approved by ${NAMES.approver2} (web)`,
  );

  await requester.goto("/");
  const grantRow = requester.getByTestId(/^grant-/).filter({ hasText: "azure-sandbox-prod" });
  await expect(grantRow).toHaveCount(1);
  await expect(grantRow.getByTestId("countdown")).toBeVisible();
  await grantRow.getByRole("button", { name: "Give back early" }).click();
  await expect(requester.getByTestId("toast").filter({ hasText: "Access given back" })).toBeVisible();
  await expect(grantRow).toHaveCount(0, { timeout: 15_000 });

  await expectGrantStatus(requester, requestId, "revoked");
  await expect(requester.getByTestId("request-timeline")).toContainText("Access removed");
  await expect(requester.getByRole("button", { name: "Give back early" })).toHaveCount(0);
});

test("a denial and its comment appear in the requester's timeline", async ({ as }) => {
  const requester = await as("requester");
  const requestId = await submitRequest(requester, {
    target: TARGETS.aws,
    template: "Patch a database",
    minutes: 240,
    justification: "e2e: patch orders schema",
  });

  const approver = await as("approver");
  await decideInInbox(approver, requestId, "Deny", "Use the migration pipeline instead");
  await expect(approver.getByTestId("toast").filter({ hasText: "Request denied" })).toBeVisible();

  await requester.goto(`/requests/${requestId}`);
  await expect(requester.getByTestId("request-status")).toHaveText("denied");
  const timeline = requester.getByTestId("request-timeline");
  await expect(timeline).toContainText(`Denied by ${NAMES.approver} (web)`);
  await expect(timeline).toContainText("Use the migration pipeline instead");
  await expect(requester.getByTestId("grant-status")).toHaveCount(0);
  await expect(requester.getByRole("button", { name: "Cancel request" })).toHaveCount(0);
});

test("bulk approve low-risk requests with one comment", async ({ as }) => {
  const requester = await as("requester");
  const logs = await submitRequest(requester, {
    target: TARGETS.gcp,
    template: "Read a database's configuration",
    minutes: 30,
    justification: "e2e: bulk one",
  });
  const bucket = await submitRequest(requester, {
    target: TARGETS.gcp,
    template: "Describe a Kubernetes cluster",
    minutes: 30,
    justification: "e2e: bulk two",
  });
  const risky = await submitRequest(requester, {
    target: TARGETS.gcp,
    template: "SSH to a VM",
    minutes: 30,
    justification: "e2e: not bulk",
  });

  const approver = await as("approver");
  await approver.goto("/inbox");
  // Only low-risk items can be picked for bulk approval.
  await expect(approver.getByTestId(`inbox-${risky}`).getByRole("checkbox")).toHaveCount(0);
  await approver
    .getByTestId(`inbox-${logs}`)
    .getByRole("checkbox", {
      name: `Select Read a database's configuration for ${NAMES.requester} for bulk approval`,
    })
    .check();
  await approver
    .getByTestId(`inbox-${bucket}`)
    .getByRole("checkbox", {
      name: `Select Describe a Kubernetes cluster for ${NAMES.requester} for bulk approval`,
    })
    .check();
  await approver.getByRole("button", { name: "Approve selected (2)" }).click();
  const dialog = approver.getByRole("dialog");
  await dialog.getByLabel("Comment for all (optional)").fill("e2e: routine reads");
  await dialog.getByRole("button", { name: "Confirm bulk approval" }).click();
  await expect(approver.getByTestId("toast").filter({ hasText: "2 of 2 approved" })).toBeVisible();
  await expect(approver.getByTestId(`inbox-${logs}`)).toHaveCount(0);
  await expect(approver.getByTestId(`inbox-${bucket}`)).toHaveCount(0);
  await expect(approver.getByTestId(`inbox-${risky}`)).toBeVisible();

  for (const id of [logs, bucket]) {
    await requester.goto(`/requests/${id}`);
    await expect(requester.getByTestId("request-status")).toHaveText("approved");
    await expect(requester.getByTestId("request-timeline")).toContainText("e2e: routine reads");
  }
  await requester.goto(`/requests/${risky}`);
  await expect(requester.getByTestId("request-status")).toHaveText("pending");
  await requester.getByRole("button", { name: "Cancel request" }).click();
  await expect(requester.getByTestId("request-status")).toHaveText("cancelled");
});

test("a new request appears in an open inbox without a reload", async ({ as }) => {
  const approver = await as("approver");
  await approver.goto("/inbox");
  await expect(approver.getByRole("heading", { name: /pending/ })).toBeVisible();
  // A marker on window survives only if the page is never reloaded or navigated.
  await approver.evaluate(() => {
    (window as unknown as { e2eMarker?: string }).e2eMarker = "still here";
  });

  const requester = await as("requester");
  const requestId = await submitRequest(requester, {
    target: TARGETS.azure,
    template: "SSH to a VM",
    minutes: 15,
    justification: "e2e: live refresh",
  });

  const row = approver.getByTestId(`inbox-${requestId}`);
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row).toContainText(NAMES.requester);
  await expect(row).toContainText("e2e: live refresh");
  await expect(row.getByTestId("permission-count")).toContainText(/\d+ in azure/);
  expect(await approver.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe(
    "still here",
  );

  await decideInInbox(approver, requestId, "Deny", "e2e: cleanup");
});

test("the inbox shows the newest ten and older ones on demand", async ({ as, request }) => {
  // Eleven requests through the API (the form is covered elsewhere): ten fill the first page, one waits.
  const requester = await as("requester");
  const token = await mintToken(requester, "e2e-inbox-pages");
  const targets = await (await request.get("/api/v1/targets", { headers: bearer(token) })).json();
  const templates = await (await request.get("/api/v1/templates", { headers: bearer(token) })).json();
  const targetId = targets.items.find((t: { name: string }) => t.name === "gcp-sandbox-prod").id;
  const templateId = templates.items.find((t: { key: string }) => t.key === "logs.read").id;
  const ids: string[] = [];
  for (let i = 0; i < 11; i++) {
    const res = await request.post("/api/v1/requests", {
      headers: bearer(token),
      data: { targetId, templateId, durationMinutes: 30, justification: `e2e: inbox page ${i}` },
    });
    expect(res.status()).toBe(201);
    ids.push((await res.json()).id);
  }

  const approver = await as("approver");
  await approver.goto("/inbox");
  await expect(approver.getByRole("heading", { name: "10 newest pending" })).toBeVisible();
  await expect(approver.getByTestId(/^inbox-/)).toHaveCount(10);
  for (const id of ids.slice(1)) await expect(approver.getByTestId(`inbox-${id}`)).toBeVisible();
  await expect(approver.getByTestId(`inbox-${ids[0]}`)).toHaveCount(0);

  await approver.getByRole("button", { name: "Show older requests" }).click();
  await expect(approver.getByTestId(`inbox-${ids[0]}`)).toBeVisible();
  expect(await approver.getByTestId(/^inbox-/).count()).toBeGreaterThan(10);

  // Clean up: the eleven are denied in one go through the API.
  const approverToken = await mintToken(approver, "e2e-inbox-pages-approver");
  for (const id of ids) {
    const res = await request.post(`/api/v1/requests/${id}/decision`, {
      headers: bearer(approverToken),
      data: { verdict: "deny", comment: "e2e: cleanup" },
    });
    expect(res.status()).toBe(200);
  }
});
