import { adapterContract } from "@/lib/clouds/contract";
import { startFakeIam } from "@/lib/clouds/fakes/aws-iam";
import { awsAdapter } from "./adapter";
import { awsTarget, TEST_ACCOUNT, TEST_CREDENTIALS, TEST_PRINCIPAL } from "./testing";

adapterContract("aws (IAM wire fake)", async () => {
  const fake = await startFakeIam({
    accountId: TEST_ACCOUNT,
    accessKeyId: TEST_CREDENTIALS.accessKeyId,
    principals: [TEST_PRINCIPAL],
  });
  return {
    adapter: awsAdapter({ endpoint: fake.url, credentials: TEST_CREDENTIALS }),
    target: awsTarget(),
    principal: TEST_PRINCIPAL,
    teardown: () => fake.stop(),
  };
});
