import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/auth/app-header";
import { Providers } from "@/components/providers";
import { ThemeToggle } from "@/components/ui/theme-toggle";
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
    // next-themes sets the class before paint; the attribute differs from the server's on purpose.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen">
        <Providers>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-card focus:p-2 focus:text-foreground"
          >
            Skip to content
          </a>
          {ctx && isPerson(ctx.actor) ? (
            <AppHeader actor={ctx.actor} />
          ) : (
            <header className="mx-auto flex max-w-6xl items-center justify-between px-4 py-3">
              <span className="text-lg font-bold text-primary">Elevate</span>
              <ThemeToggle />
            </header>
          )}
          <main id="main" className="mx-auto max-w-6xl px-4 py-8">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
