import { Inngest } from "inngest";
import { inngestClientOptions } from "@/lib/workflows/inngest-driver";

function createClient() {
  return new Inngest(inngestClientOptions());
}

export type AppInngest = ReturnType<typeof createClient>;

let client: AppInngest | undefined;

/**
 * The app's Inngest client, created on first use from lib/env.ts (not at import, so `next build` can load the
 * route without the production environment).
 */
export function getInngest(): AppInngest {
  client ??= createClient();
  return client;
}
