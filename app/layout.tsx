import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/auth/app-header";
import { getSessionCtx } from "@/lib/auth/session";
import { isPerson } from "@/lib/ctx";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Elevate", template: "%s · Elevate" },
  description: "Just-in-time, just-enough-privilege access to AWS, GCP and Azure",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const ctx = await getSessionCtx();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2"
        >
          Skip to content
        </a>
        {ctx && isPerson(ctx.actor) ? <AppHeader actor={ctx.actor} /> : null}
        <main id="main" className="mx-auto max-w-5xl px-4 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
