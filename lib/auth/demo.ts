import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { type Db, getDb } from "@/db/client";
import { users } from "@/db/schema";
import { PERSONAS, seedOrg } from "@/db/seed/org";
import { env } from "@/lib/env";
import { Forbidden, fromZod, NotFound, RateLimited, Validation } from "@/lib/errors";
import { errorResponse } from "@/lib/http/error-response";
import { consumeRateLimit } from "@/lib/ratelimit/consume";
import { RATE_LIMITS } from "@/lib/ratelimit/limits";
import { elevateAdapter } from "./adapter";
import { SESSION_MAX_AGE_SECONDS, secureCookies, sessionCookieName } from "./cookies";
import { clientAddress, isSameOrigin } from "./same-origin";

const PERSONA_KEYS = PERSONAS.map((p) => p.key) as [string, ...string[]];
const DemoForm = z.object({ persona: z.enum(PERSONA_KEYS) });

async function personaUser(db: Db, slug: string, key: string) {
  const subject = `demo|${slug}|${key}`;
  const find = async () => (await db.select().from(users).where(eq(users.subject, subject)))[0];
  const found = await find();
  if (found) return found;
  // First demo sign-in on a fresh database: seed the org and its personas (idempotent).
  await seedOrg(db, { slug, name: `${slug} (demo)` });
  return find();
}

/**
 * One-click sign-in as a seeded persona, for demo mode only (404 otherwise, as if the route did not
 * exist). Creates a database session like next-auth's and sets next-auth's own session cookie, so
 * getServerSession and next-auth's sign-out treat it exactly like an OIDC session.
 */
export async function demoSignIn(
  request: Request,
  deps: { db: () => Promise<Db> } = { db: getDb },
): Promise<Response> {
  try {
    return await signIn(request, deps);
  } catch (err) {
    return errorResponse(err, { what: "demo sign-in failed", req: request });
  }
}

async function signIn(request: Request, deps: { db: () => Promise<Db> }): Promise<Response> {
  const e = env();
  if (!e.demoMode) throw NotFound("Route");
  if (!isSameOrigin(request)) throw Forbidden("Cross-origin sign-in refused");
  const db = await deps.db();
  // Per address (see clientAddress): each sign-in creates a session row, and on a fresh database seeds an org.
  const limited = await consumeRateLimit(db, RATE_LIMITS.demoSignInPerAddress(clientAddress(request)));
  if (!limited.ok) throw RateLimited(limited.retryAfterSeconds);
  let form: Record<string, unknown>;
  try {
    form = Object.fromEntries(await request.formData());
  } catch {
    throw Validation("persona", "expected a form post");
  }
  const parsed = DemoForm.safeParse(form);
  if (!parsed.success) throw fromZod(parsed.error);
  const user = await personaUser(db, e.ELEVATE_ORG_SLUG, parsed.data.persona);
  if (!user || user.disabledAt) throw Forbidden("This user is disabled");

  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  const session = await elevateAdapter({ db: deps.db, orgSlug: () => e.ELEVATE_ORG_SLUG }).createSession({
    sessionToken: randomBytes(32).toString("hex"),
    userId: user.id,
    expires,
  });
  const cookie = [
    `${sessionCookieName(e)}=${session.sessionToken}`,
    "Path=/",
    `Expires=${expires.toUTCString()}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secureCookies(e) ? ["Secure"] : []),
  ].join("; ");
  return new Response(null, { status: 303, headers: { Location: "/", "Set-Cookie": cookie } });
}
