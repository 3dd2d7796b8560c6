import { adapterContract } from "@/lib/clouds/contract";
import { azureTarget, fixedTokenCredential } from "@/lib/clouds/fakes/azure/testing";
import { env } from "@/lib/env";
import { azureAdapter } from "./adapter";

/**
 * The adapter contract against a real Azure subscription (opt-in, not part of `npm test`). The token is
 * an ARM access token (`az account get-access-token --resource https://management.azure.com`) of an
 * identity with User Access Administrator on the subscription; PIM mode needs Entra ID P2.
 */
const e = env();
const subscription = e.ELEVATE_LIVE_AZURE_SUBSCRIPTION;
const principal = e.ELEVATE_LIVE_AZURE_PRINCIPAL;
const token = e.ELEVATE_LIVE_AZURE_TOKEN;
if (!subscription || !principal || !token) {
  throw new Error(
    "Set ELEVATE_LIVE_AZURE_SUBSCRIPTION, ELEVATE_LIVE_AZURE_PRINCIPAL (a user's object id) and ELEVATE_LIVE_AZURE_TOKEN",
  );
}

adapterContract(`azure live (${subscription})`, async () => ({
  adapter: azureAdapter({ credential: fixedTokenCredential(token) }),
  target: azureTarget(subscription, { pim: e.ELEVATE_LIVE_AZURE_PIM === "1" }),
  principal,
  checkSettleMs: 120_000, // ARM reads may lag a new assignment
}));
