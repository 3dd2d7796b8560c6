import { adapterContract } from "@/lib/clouds/contract";
import { FAKE_OKTA_TOKEN, startFakeOkta } from "@/lib/clouds/fakes/okta";
import { oktaTarget } from "@/lib/clouds/fakes/okta/testing";
import { oktaAdapter } from "./adapter";

adapterContract("okta wire-level fake", async () => {
  const fake = await startFakeOkta();
  const person = fake.state.addUser("alice@example.com");
  const adapter = oktaAdapter({ orgUrl: fake.url, token: FAKE_OKTA_TOKEN });
  return { adapter, target: oktaTarget(), principal: person.login, teardown: fake.stop };
});
