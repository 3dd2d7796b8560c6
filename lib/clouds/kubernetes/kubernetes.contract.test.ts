import { adapterContract } from "@/lib/clouds/contract";
import { startFakeKubernetes } from "@/lib/clouds/fakes/kubernetes";
import { kubernetesSettings, kubernetesTarget } from "@/lib/clouds/fakes/kubernetes/testing";
import { KubernetesSettings } from "@/lib/targets/settings";
import { kubernetesAdapter } from "./adapter";

adapterContract("kubernetes wire-level fake (ServiceAccount subjects)", async () => {
  const fake = await startFakeKubernetes();
  const settings = KubernetesSettings.parse(kubernetesSettings(fake));
  const adapter = kubernetesAdapter({ settings, token: fake.adminToken });
  return { adapter, target: kubernetesTarget(fake), principal: "alice@example.com", teardown: fake.stop };
});

adapterContract("kubernetes wire-level fake (user subjects)", async () => {
  const fake = await startFakeKubernetes();
  const settings = KubernetesSettings.parse(
    kubernetesSettings(fake, { subject: "user", usernamePrefix: "oidc:" }),
  );
  const adapter = kubernetesAdapter({ settings, token: fake.adminToken });
  return {
    adapter,
    target: kubernetesTarget(fake, { subject: "user", usernamePrefix: "oidc:" }),
    principal: "alice@example.com",
    teardown: fake.stop,
  };
});
