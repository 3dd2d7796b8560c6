import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export type IdpAccount = { email: string; name: string; groups: string[] };

export type TestIdp = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Edit between sign-ins to change what the IdP says (e.g. remove a group). */
  accounts: Map<string, IdpAccount>;
  close: () => Promise<void>;
};

/**
 * A real OpenID Provider (panva's oidc-provider) on 127.0.0.1 at a random port, with one confidential
 * client and a `groups` scope releasing a `groups` claim. Login and consent use its dev interactions.
 */
export async function startTestIdp(redirectUri: string): Promise<TestIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, IdpAccount>();
  const clientId = "elevate-test";
  const clientSecret = "elevate-test-secret-0123456789abcdef";

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    cookies: { keys: ["oidc-test-cookie-key-0123456789"] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: account.email,
            email_verified: true,
            name: account.name,
            groups: account.groups,
          };
        },
      };
    },
  });
  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A cookie jar that is enough for one origin: name → value, honouring deletions. */
export class CookieJar {
  readonly values = new Map<string, string>();

  store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = decodeURIComponent(pair.slice(eq + 1).trim());
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split("=");
        if (k.toLowerCase() === "max-age") return Number(v) <= 0;
        if (k.toLowerCase() === "expires") return new Date(v).getTime() <= Date.now();
        return false;
      });
      if (expired || value === "") this.values.delete(name);
      else this.values.set(name, value);
    }
  }

  header(): string {
    return [...this.values].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
  }

  object(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}

/**
 * Drives the IdP from the authorization URL to the redirect back to us, as a browser would: follows
 * redirects, signs in as `login` at the login prompt and grants consent at the consent prompt.
 * Returns the URL the IdP sends the browser to (our callback, with code and state).
 */
export async function authorizeAtIdp(
  authorizationUrl: string,
  login: string,
  redirectUri: string,
): Promise<URL> {
  const jar = new CookieJar();
  let url = new URL(authorizationUrl);
  let init: RequestInit = { method: "GET" };
  for (let hop = 0; hop < 20; hop++) {
    if (url.href.startsWith(redirectUri)) return url;
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.store(res.headers.getSetCookie());
    const location = res.headers.get("location");
    if (location) {
      url = new URL(location, url);
      init = { method: "GET" };
      continue;
    }
    const html = await res.text();
    if (res.status !== 200 || !url.pathname.startsWith("/interaction/")) {
      throw new Error(`IdP answered ${res.status} at ${url.pathname}: ${html.slice(0, 300)}`);
    }
    const prompt = html.includes('name="prompt" value="login"') ? "login" : "consent";
    const body = new URLSearchParams(prompt === "login" ? { prompt, login, password: "any" } : { prompt });
    init = { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } };
  }
  throw new Error("Too many redirects at the IdP");
}
