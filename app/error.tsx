"use client";

import { Button } from "@/components/ui/button";

/** Unexpected failures: a generic message and the digest that matches the server log line. */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div role="alert" className="py-16 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-muted-foreground">
        Try again in a moment.
        {error.digest ? <> If it keeps happening, quote reference {error.digest}.</> : null}
      </p>
      <Button className="mt-6" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
