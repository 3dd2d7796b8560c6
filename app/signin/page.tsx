import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { OidcSignInButton } from "@/components/auth/oidc-sign-in-button";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { oidcProvider } from "@/lib/auth/oidc-provider";
import { PERSONAS } from "@/lib/auth/personas";
import { getSessionCtx } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

// next-auth's error codes (it redirects here with ?error=…), in words a person can act on.
const ERRORS: Record<string, string> = {
  AccessDenied: "Your account is disabled or not allowed to sign in.",
  OAuthAccountNotLinked: "An account with this email already exists under another sign-in.",
  OAuthCallback: "The identity provider's answer could not be verified. Try again.",
  SessionRequired: "Please sign in to continue.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  if (await getSessionCtx()) redirect("/");
  const { error } = await searchParams;
  const e = env();
  const oidc = oidcProvider(e);

  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-6 text-center text-2xl font-bold">Sign in to Elevate</h1>
      {error ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-800">
          {ERRORS[error] ?? "Sign-in failed. Try again."}
        </p>
      ) : null}
      <Card className="space-y-6">
        {oidc ? <OidcSignInButton providerId={oidc.id} name={oidc.name} /> : null}
        {e.demoMode ? (
          <section aria-labelledby="demo-title">
            <h2 id="demo-title" className="text-sm font-semibold text-foreground">
              Demo personas
            </h2>
            <p className="mb-3 text-sm text-muted-foreground">
              Demo mode is on: sign in as a seeded person, no password.
            </p>
            <ul className="space-y-2">
              {PERSONAS.map((p) => (
                <li key={p.key}>
                  <form method="post" action="/api/auth/demo">
                    <input type="hidden" name="persona" value={p.key} />
                    <Button type="submit" variant="secondary" className="w-full justify-start">
                      Sign in as {p.name} ({p.key})
                    </Button>
                  </form>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {!oidc && !e.demoMode ? (
          <p className="text-sm text-muted-foreground">
            No sign-in method is configured. Set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.
          </p>
        ) : null}
      </Card>
    </div>
  );
}
