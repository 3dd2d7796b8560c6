import NextAuth, { type NextAuthOptions } from "next-auth";
import { CookieJar } from "./oidc-idp";

type FakeReq = {
  method: string;
  query: Record<string, string | string[]>;
  body?: Record<string, string>;
  cookies: Record<string, string>;
  headers: Record<string, string>;
};

type FakeRes = {
  statusCode: number;
  body: unknown;
  headers: Map<string, string | string[]>;
  status(code: number): FakeRes;
  setHeader(key: string, value: string | string[]): FakeRes;
  getHeader(key: string): string | string[] | undefined;
  end(): FakeRes;
  json(body: unknown): FakeRes;
  send(body: unknown): FakeRes;
};

function fakeRes(): FakeRes {
  const res: FakeRes = {
    statusCode: 200,
    body: undefined,
    headers: new Map(),
    status(code) {
      res.statusCode = code;
      return res;
    },
    setHeader(key, value) {
      res.headers.set(key.toLowerCase(), value);
      return res;
    },
    getHeader: (key) => res.headers.get(key.toLowerCase()),
    end: () => res,
    json(body) {
      res.body = body;
      return res;
    },
    send(body) {
      res.body = body;
      return res;
    },
  };
  return res;
}

/**
 * next-auth's handler through its API-route entry, which takes Node-style req/res: it runs the same
 * AuthHandler as the App Router route, minus the next/headers glue that only works inside Next.
 */
const nextAuthApi = NextAuth as unknown as (
  req: FakeReq,
  res: FakeRes,
  options: NextAuthOptions,
) => Promise<void>;

export type AuthResponse = { status: number; location: string | null; body: unknown };

/** Calls `/api/auth/<path>` like a browser would, keeping next-auth's cookies in `jar`. */
export async function callNextAuth(
  options: NextAuthOptions,
  jar: CookieJar,
  req: {
    method: "GET" | "POST";
    path: string;
    query?: Record<string, string>;
    body?: Record<string, string>;
  },
): Promise<AuthResponse> {
  const res = fakeRes();
  await nextAuthApi(
    {
      method: req.method,
      query: { nextauth: req.path.split("/"), ...req.query },
      body: req.body,
      cookies: jar.object(),
      headers: { host: "localhost:3000" },
    },
    res,
    // next-auth mutates options (secret); a fresh copy per call keeps tests independent.
    { ...options },
  );
  const setCookie = res.getHeader("set-cookie");
  jar.store(setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]);
  const location = res.getHeader("location");
  return { status: res.statusCode, location: typeof location === "string" ? location : null, body: res.body };
}

export { CookieJar };
