import { type CatalogExport, CloudError } from "@/lib/clouds/port";
import { classifyGcpError } from "./errors";
import { type RetryPolicy, withRetry } from "./retry";
import type { RolesApi } from "./roles-api";

/** A loop guard far above the real catalog (~2,500 roles, ~13,000 permissions; up to 1,000 a page). */
const MAX_PAGES = 1_000;

type Page = { nextPageToken?: string };

/**
 * GCP's own catalog: every predefined role with its permissions (`roles.list`, view FULL), and every
 * permission testable on the project with its custom-role support level. Each page is one retried call.
 */
export async function gcpCatalogExports(
  roles: RolesApi,
  retry: RetryPolicy,
  project: string,
): Promise<CatalogExport[]> {
  const attempt = <T>(op: string, fn: () => Promise<T>) =>
    withRetry(retry, () =>
      fn().catch((e: unknown) => {
        throw classifyGcpError(op, e);
      }),
    );
  const predefined = await collect("roles.list", "roles", (token) =>
    attempt("roles.list", () => roles.predefinedPage(token)),
  );
  const resource = `//cloudresourcemanager.googleapis.com/${project}`;
  const testable = await collect("permissions.queryTestablePermissions", "permissions", (token) =>
    attempt("permissions.queryTestablePermissions", () => roles.testablePage(resource, token)),
  );
  return [
    { format: "gcloud-roles-list", content: JSON.stringify(predefined) },
    { format: "gcp-testable-permissions", content: JSON.stringify({ permissions: testable }) },
  ];
}

async function collect<K extends string>(
  op: string,
  key: K,
  page: (token?: string) => Promise<Page & Partial<Record<K, unknown>>>,
): Promise<unknown[]> {
  const out: unknown[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const reply = await page(token);
    const items = reply?.[key] ?? [];
    // The importer checks every item; here only what paging needs, so a wrong answer fails by name.
    if (!Array.isArray(items)) throw new CloudError("permanent", `gcp ${op}: the answer has no ${key} list`);
    out.push(...items);
    token = reply.nextPageToken || undefined;
    if (!token) return out;
    if (seen.has(token)) throw new CloudError("permanent", `gcp ${op}: the page token repeats`);
    seen.add(token);
  }
  throw new CloudError("permanent", `gcp ${op}: more than ${MAX_PAGES} pages`);
}
