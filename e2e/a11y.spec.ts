import type { Page } from "@playwright/test";
import {
  decideInInbox,
  expect,
  expectAccessible,
  expectGrantStatus,
  type Persona,
  saveScreenshot,
  signInAs,
  submitRequest,
  TARGETS,
  test,
} from "./fixtures";

/**
 * Every main page, as the persona who uses it, with data on it: axe must find no serious or critical
 * violation, and with E2E_SCREENSHOTS=1 the page is saved to docs/screenshots/<name>.png for the README.
 */
type Seed = { active: string; pending: string };
let seed: Seed;

test.use({ viewport: { width: 1280, height: 800 } });

test.beforeAll(async ({ browser }) => {
  const requester = await signInAs(browser, "requester");
  const active = await submitRequest(requester, {
    target: TARGETS.aws,
    template: "Read logs",
    minutes: 240,
    justification: "Investigating INC-1234: 5xx spike on checkout since 09:10",
    ticketUrl: "https://tickets.example/INC-1234",
  });
  const pending = await submitRequest(requester, {
    target: TARGETS.gcp,
    template: "SSH to a VM",
    minutes: 60,
    resource: "us-central1-a/vm-checkout-7",
    justification: "Restart the stuck checkout worker (INC-1234)",
  });
  const approver = await signInAs(browser, "approver");
  await decideInInbox(approver, active, "Approve", "Scoped to logs, fine for the incident");
  await expectGrantStatus(requester, active, "active");
  await requester.context().close();
  await approver.context().close();
  seed = { active, pending };
});

type PageCase = {
  name: string;
  persona: Persona | null;
  path: () => string;
  ready: (p: Page) => Promise<void>;
};

const heading = (text: string | RegExp) => async (p: Page) => {
  await expect(p.getByRole("heading", { level: 1, name: text })).toBeVisible();
};

const PAGES: PageCase[] = [
  { name: "signin", persona: null, path: () => "/signin", ready: heading("Sign in to Elevate") },
  {
    name: "home",
    persona: "requester",
    path: () => "/",
    ready: async (p) => {
      await expect(
        p
          .getByTestId(/^grant-/)
          .first()
          .getByTestId("countdown"),
      ).toBeVisible();
    },
  },
  {
    name: "new-request",
    persona: "requester",
    path: () => "/requests/new",
    ready: async (p) => {
      await p.getByLabel("Target").selectOption({ label: TARGETS.aws });
      await p.getByLabel("What do you need to do?").selectOption({ label: "Read a bucket" });
      await p.getByLabel(/^Resource \(optional/).fill("acme-invoices");
      await p.getByRole("button", { name: "1 hour" }).click();
      await p.getByLabel("Justification").fill("Reconcile March invoices for finance (FIN-88)");
      await expect(p.getByTestId("preview-document")).toContainText("acme-invoices");
    },
  },
  {
    name: "my-requests",
    persona: "requester",
    path: () => "/requests",
    ready: async (p) => {
      await expect(p.getByTestId(`request-${seed.pending}`)).toBeVisible();
    },
  },
  {
    name: "request-detail",
    persona: "requester",
    path: () => `/requests/${seed.active}`,
    ready: async (p) => {
      await expect(p.getByTestId("grant-status")).toHaveText("active");
      await expect(p.getByTestId("access-instructions")).toBeVisible();
    },
  },
  {
    name: "inbox",
    persona: "approver",
    path: () => "/inbox",
    ready: async (p) => {
      await expect(p.getByTestId(`inbox-${seed.pending}`)).toBeVisible();
    },
  },
  {
    name: "catalog",
    persona: "requester",
    path: () => "/catalog",
    ready: heading("Find the access you need"),
  },
  { name: "admin", persona: "admin", path: () => "/admin", ready: heading(/.+/) },
  {
    name: "admin-grants",
    persona: "admin",
    path: () => "/admin/grants",
    ready: async (p) => {
      await expect(p.getByTestId(/^admin-grant-/).first()).toBeVisible();
    },
  },
  { name: "admin-targets", persona: "admin", path: () => "/admin/targets", ready: heading(/.+/) },
  { name: "admin-templates", persona: "admin", path: () => "/admin/templates", ready: heading(/.+/) },
  {
    name: "admin-catalog",
    persona: "admin",
    path: () => "/admin/catalog",
    ready: heading("Permission catalog"),
  },
  { name: "admin-users", persona: "admin", path: () => "/admin/users", ready: heading("Users & groups") },
  { name: "admin-tokens", persona: "admin", path: () => "/admin/tokens", ready: heading("API tokens") },
  {
    name: "admin-health",
    persona: "admin",
    path: () => "/admin/health",
    ready: async (p) => {
      await expect(p.getByTestId("health-database")).toContainText("reachable");
    },
  },
  {
    name: "audit",
    persona: "auditor",
    path: () => "/audit",
    ready: async (p) => {
      await expect(p.getByTestId("audit-chain-status")).toContainText("verified");
    },
  },
  {
    name: "not-found",
    persona: "requester",
    path: () => "/requests/00000000-0000-4000-8000-000000000000",
    ready: heading("Not found"),
  },
  {
    name: "forbidden",
    persona: "requester",
    path: () => "/admin/users",
    ready: heading("You do not have access to this page"),
  },
];

const NO_SCREENSHOT = new Set(["not-found", "forbidden"]);

for (const c of PAGES) {
  test(`a11y: ${c.name}`, async ({ as, browser }) => {
    let page: Page;
    if (c.persona) {
      page = await as(c.persona);
    } else {
      const context = await browser.newContext();
      page = await context.newPage();
    }
    await page.goto(c.path());
    await c.ready(page);
    const all = await expectAccessible(page, c.name);
    // One line per page in the run's output: the full count, including moderate and minor findings.
    console.log(`axe ${c.name}: ${all.map((v) => `${v.impact} ${v.id}`).join(", ") || "no violations"}`);
    if (!NO_SCREENSHOT.has(c.name)) await saveScreenshot(page, c.name);
    if (!c.persona) await page.context().close();
  });
}

test.describe("dark theme", () => {
  test.use({ colorScheme: "dark" });
  for (const c of PAGES.filter((p) => ["home", "request-detail", "inbox"].includes(p.name))) {
    test(`a11y (dark): ${c.name}`, async ({ as }) => {
      const page = await as(c.persona as Persona);
      await page.goto(c.path());
      await expect(page.locator("html")).toHaveClass(/dark/);
      await c.ready(page);
      const all = await expectAccessible(page, `${c.name} (dark)`);
      console.log(
        `axe ${c.name} (dark): ${all.map((v) => `${v.impact} ${v.id}`).join(", ") || "no violations"}`,
      );
      await saveScreenshot(page, `${c.name}-dark`);
    });
  }
});
