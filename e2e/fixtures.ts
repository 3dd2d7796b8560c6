import { type Browser, expect, type Page } from "@playwright/test";

export type Persona = "requester" | "approver" | "approver2" | "admin" | "auditor";

const LABELS: Record<Persona, RegExp> = {
  requester: /Riley Requester/,
  approver: /Avery Approver/,
  approver2: /Jordan Approver/,
  admin: /Ada Admin/,
  auditor: /Audrey Auditor/,
};

/** A browser context signed in as one demo persona, through the real sign-in page. */
export async function signInAs(browser: Browser, persona: Persona): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("button", { name: LABELS[persona] }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
  await expect(page.getByTestId("current-user")).toContainText(LABELS[persona]);
  return page;
}

/** Submits a request through the new-request page and returns its id. */
export async function submitRequest(
  page: Page,
  opts: { target: string; template: string; minutes: number; justification: string },
): Promise<string> {
  await page.goto("/requests/new");
  await page.getByLabel("Target").selectOption({ label: opts.target });
  await page.getByLabel("What do you need to do?").selectOption({ label: opts.template });
  await page.getByLabel("Duration (minutes)").fill(String(opts.minutes));
  await page.getByLabel("Justification").fill(opts.justification);
  await page.getByRole("button", { name: "Submit request" }).click();
  await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  await expect(page.getByTestId("request-status")).toHaveText("pending");
  return id;
}
