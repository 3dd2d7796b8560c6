import { randomUUID } from "node:crypto";
import { adapterContract } from "@/lib/clouds/contract";
import { startFakeAzure } from "@/lib/clouds/fakes/azure";
import { azureTarget, fixedTokenCredential } from "@/lib/clouds/fakes/azure/testing";
import { azureAdapter } from "./adapter";

for (const pim of [false, true]) {
  adapterContract(`azure wire-level fake (${pim ? "PIM schedules" : "role assignments"})`, async () => {
    const fake = await startFakeAzure();
    const adapter = azureAdapter({
      credential: fixedTokenCredential(),
      endpoint: fake.url,
      ca: fake.ca,
      retry: { baseDelayMs: 5 },
    });
    return {
      adapter,
      target: azureTarget(randomUUID(), { pim }),
      principal: randomUUID(),
      teardown: fake.stop,
    };
  });
}
