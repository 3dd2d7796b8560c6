import { type NextRequest, NextResponse } from "next/server";

// next-auth's database-session cookie, plain over http and `__Secure-` prefixed over https.
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

/**
 * Optimistic only: sends visitors without a session cookie to /signin before rendering. It cannot tell a
 * valid session from a stale one; every page, action and handler checks the session itself.
 */
export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  return NextResponse.redirect(new URL("/signin", request.url));
}

export const config = {
  // Pages only: not /api, /scim (directory token), /signin, Next's assets, or files with an extension.
  matcher: ["/((?!api(?:/|$)|scim(?:/|$)|signin(?:/|$)|_next/static|_next/image|.*\\.\\w+$).*)"],
};
