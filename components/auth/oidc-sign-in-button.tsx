"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "../ui/button";

/** next-auth v4 starts an OAuth sign-in with a CSRF-protected POST; its client helper does that for us. */
export function OidcSignInButton({ providerId, name }: { providerId: string; name: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      type="button"
      className="w-full"
      disabled={busy}
      aria-busy={busy}
      onClick={() => {
        setBusy(true);
        void signIn(providerId, { callbackUrl: "/" });
      }}
    >
      Sign in with {name}
    </Button>
  );
}
