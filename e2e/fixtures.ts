import { mkdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, type BrowserContext, test as base, expect, type Page } from "@playwright/test";

export type Persona = "requester" | "approver" | "approver2" | "admin" | "auditor";

export const NAMES: Record<Persona, string> = {
  requester: "Riley Requester",
  approver: "Avery Approver",
  approver2: "Jordan Approver",
  admin: "Ada Admin",
  auditor: "Audrey Auditor",
};

const LABELS: Record<Persona, RegExp> = {
  requester: /Riley Requester/,
  approver: /Avery Approver/,
  approver2: /Jordan Approver/,
  admin: /Ada Admin/,
  auditor: /Audrey Auditor/,
};

export const TARGETS = {
  aws: "aws-sandbox-prod (aws)",
  gcp: "gcp-sandbox-prod (gcp)",
  azure: "azure-sandbox-prod (azure)",
} as const;

/** A browser context signed in as one demo persona, through the real sign-in page. */
export async function signInAs(browser: Browser, persona: Persona): Promise<Page> {
  const context = await browser.newContext();
  return signInWith(context, persona);
}

async function signInWith(context: BrowserContext, persona: Persona): Promise<Page> {
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("button", { name: LABELS[persona] }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
  await expect(page.getByTestId("current-user")).toContainText(LABELS[persona]);
  return page;
}

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

/**
 * `as(persona)` opens a fresh context per call (two personas side by side, like two people), signed in
 * and on the home page. Each persona signs in through the real sign-in page once per worker; later
 * contexts reuse that session cookie. Every context opened this way is closed when the test ends.
 */
const sessions = new Map<Persona, StorageState>(); // one per worker process: module state

export const test = base.extend<{ as: (persona: Persona) => Promise<Page> }>({
  as: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (persona) => {
      const saved = sessions.get(persona);
      const context = await browser.newContext(saved ? { storageState: saved } : {});
      contexts.push(context);
      if (!saved) {
        const page = await signInWith(context, persona);
        sessions.set(persona, await context.storageState());
        return page;
      }
      const page = await context.newPage();
      await page.goto("/");
      await expect(page.getByTestId("current-user")).toContainText(LABELS[persona]);
      return page;
    });
    await Promise.all(contexts.map((c) => c.close()));
  },
});
export { expect };

export type RequestSpec = {
  target: string;
  template: string;
  minutes: number;
  justification: string;
  resource?: string;
  ticketUrl?: string;
};

/** Submits a request through the new-request page and returns its id. */
export async function submitRequest(page: Page, opts: RequestSpec): Promise<string> {
  await page.goto("/requests/new");
  await page.getByLabel("Target").selectOption({ label: opts.target });
  await page.getByLabel("What do you need to do?").selectOption({ label: opts.template });
  if (opts.resource) await page.getByLabel(/^Resource \(optional/).fill(opts.resource);
  await page.getByLabel("Duration (minutes)").fill(String(opts.minutes));
  await page.getByLabel("Justification").fill(opts.justification);
  if (opts.ticketUrl) await page.getByLabel("Ticket link (optional)").fill(opts.ticketUrl);
  await page.getByRole("button", { name: "Submit request" }).click();
  await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop() as string;
  await expect(page.getByTestId("request-status")).toHaveText("pending");
  return id;
}

/** The approver decides one request from their inbox; the row leaves the list at once. */
export async function decideInInbox(
  page: Page,
  requestId: string,
  verdict: "Approve" | "Deny",
  comment?: string,
): Promise<void> {
  if (!page.url().endsWith("/inbox")) await page.goto("/inbox");
  const row = page.getByTestId(`inbox-${requestId}`);
  if (comment) await row.getByLabel("Comment (optional)").fill(comment);
  await row.getByRole("button", { name: verdict, exact: true }).click();
  await expect(row).toHaveCount(0);
}

/** Waits until the request's grant reaches `status`, reloading the detail page (the reconciler is async). */
export async function expectGrantStatus(page: Page, requestId: string, status: string, timeout = 30_000) {
  await expect(async () => {
    await page.goto(`/requests/${requestId}`);
    await expect(page.getByTestId("grant-status")).toHaveText(status, { timeout: 1_000 });
  }).toPass({ timeout, intervals: [500, 1_000, 2_000] });
}

/** Mints an API token for the signed-in person on /admin/tokens (shown once) and returns its secret. */
export async function mintToken(page: Page, name: string): Promise<string> {
  await page.goto("/admin/tokens");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const once = page.getByTestId("token-once");
  await expect(once).toHaveText(/^elv_/);
  return ((await once.textContent()) ?? "").trim();
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Axe on the current page; returns every violation, and fails on any serious or critical one. */
export async function expectAccessible(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = severe.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(" "))
        .join(" | ")})`,
  );
  expect(summary, `axe on ${label}`).toEqual([]);
  return results.violations;
}

const SCREENSHOT_DIR = path.join(process.cwd(), "docs", "screenshots");

/** With E2E_SCREENSHOTS=1, saves the page to docs/screenshots/<name>.png (CI leaves the repo alone). */
export async function saveScreenshot(page: Page, name: string) {
  if (process.env.E2E_SCREENSHOTS !== "1") return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let polling queries and fonts settle so the picture shows the page, not a skeleton.
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: true,
    animations: "disabled",
  });
}
