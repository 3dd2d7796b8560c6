import { adapterContract } from "@/lib/clouds/contract";
import { startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { fixedTokenClient, gcpTarget } from "@/lib/clouds/fakes/gcp/testing";
import { gcpAdapter } from "./adapter";

adapterContract("gcp wire-level fake", async () => {
  const fake = await startFakeGcp();
  const adapter = gcpAdapter({
    authClient: fixedTokenClient(),
    iamUrl: fake.url,
    resourceManagerUrl: fake.url,
    troubleshooterUrl: fake.url,
    retry: { baseDelayMs: 5 },
  });
  return { adapter, target: gcpTarget(), principal: "alice@example.com", teardown: fake.stop };
});
