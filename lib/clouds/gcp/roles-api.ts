import type { AuthClient } from "google-auth-library";
import { recordResponse } from "./request-ids";

/** IAM v1 custom role, as `projects.roles` returns it. */
export type GcpRole = {
  name: string;
  title?: string;
  description?: string;
  includedPermissions?: string[];
  stage?: string;
  etag?: string;
  deleted?: boolean;
};

/**
 * IAM v1 `projects.roles` over REST through the authorized client (the `@google-cloud/iam` package
 * covers only v2/v3 policies, not custom roles). Errors are thrown as gaxios raised them.
 */
export function rolesApi(client: AuthClient, baseUrl: string, timeoutMs: number) {
  const base = baseUrl.replace(/\/+$/, "");
  async function call<T>(method: "GET" | "POST" | "DELETE", path: string, data?: unknown, params?: object) {
    try {
      const res = await client.request<T>({
        url: `${base}/v1/${path}`,
        method,
        data,
        params,
        timeout: timeoutMs,
      });
      recordResponse(res.headers);
      return res.data;
    } catch (e) {
      recordResponse((e as { response?: { headers?: { get(n: string): string | null } } }).response?.headers);
      throw e;
    }
  }

  return {
    /** IAM v1 `roles.list` (predefined roles) with their permissions: one page. */
    predefinedPage: (pageToken?: string) =>
      call<{ roles?: unknown; nextPageToken?: string }>("GET", "roles", undefined, {
        view: "FULL",
        pageSize: 1000,
        ...(pageToken ? { pageToken } : {}),
      }),
    /** IAM v1 `permissions.queryTestablePermissions` on a resource: one page. */
    testablePage: (fullResourceName: string, pageToken?: string) =>
      call<{ permissions?: unknown; nextPageToken?: string }>(
        "POST",
        "permissions:queryTestablePermissions",
        { fullResourceName, pageSize: 1000, ...(pageToken ? { pageToken } : {}) },
      ),
    create: (project: string, roleId: string, role: Omit<GcpRole, "name">) =>
      call<GcpRole>("POST", `${project}/roles`, { roleId, role }),
    get: (name: string) => call<GcpRole>("GET", name),
    delete: (name: string) => call<GcpRole>("DELETE", name),
    undelete: (name: string, etag?: string) => call<GcpRole>("POST", `${name}:undelete`, { etag }),
    async list(project: string): Promise<GcpRole[]> {
      const roles: GcpRole[] = [];
      let pageToken: string | undefined;
      do {
        const page = await call<{ roles?: GcpRole[]; nextPageToken?: string }>(
          "GET",
          `${project}/roles`,
          undefined,
          { view: "BASIC", pageSize: 300, ...(pageToken ? { pageToken } : {}) },
        );
        roles.push(...(page.roles ?? []));
        pageToken = page.nextPageToken || undefined;
      } while (pageToken);
      return roles;
    },
  };
}

export type RolesApi = ReturnType<typeof rolesApi>;
