import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { config, proxy } from "@/proxy";

const matches = (url: string) => unstable_doesMiddlewareMatch({ config, url });

describe("proxy (optimistic redirect to /signin)", () => {
  it("runs on pages, not on /api, /signin, Next's assets or files", () => {
    for (const url of ["/", "/requests/new", "/grants/abc", "/admin/users"])
      expect(matches(url), url).toBe(true);
    expect(matches("/scimitar"), "/scimitar").toBe(true);
    for (const url of [
      "/api/auth/demo",
      "/api/health",
      "/scim/v2/Users",
      "/scim/v2/Groups/5b1f0c5e-0000-4000-8000-000000000000",
      "/signin",
      "/_next/static/chunks/app.js",
      "/_next/image",
      "/favicon.ico",
    ]) {
      expect(matches(url), url).toBe(false);
    }
  });

  it("redirects a visitor without a session cookie to /signin and lets one with a cookie through", () => {
    const anon = proxy(new NextRequest("http://localhost:3000/requests/new"));
    expect(anon.status).toBe(307);
    expect(anon.headers.get("location")).toBe("http://localhost:3000/signin");
    for (const name of ["next-auth.session-token", "__Secure-next-auth.session-token"]) {
      const res = proxy(new NextRequest("http://localhost:3000/", { headers: { cookie: `${name}=x` } }));
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("x-middleware-next")).toBe("1");
    }
  });
});
