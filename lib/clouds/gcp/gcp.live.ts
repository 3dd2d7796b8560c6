import { adapterContract } from "@/lib/clouds/contract";
import { gcpTarget } from "@/lib/clouds/fakes/gcp/testing";
import { env } from "@/lib/env";
import { gcpAdapter } from "./adapter";

/**
 * The adapter contract against a real Google Cloud project (opt-in, not part of `npm test`).
 * Needs Application Default Credentials allowed to manage custom roles and the project's IAM policy
 * (roles/iam.roleAdmin + roles/resourcemanager.projectIamAdmin), and a real user to bind.
 */
const project = env().ELEVATE_LIVE_GCP_PROJECT;
const principal = env().ELEVATE_LIVE_GCP_PRINCIPAL;
if (!project || !principal) {
  throw new Error(
    "Set ELEVATE_LIVE_GCP_PROJECT and ELEVATE_LIVE_GCP_PRINCIPAL (a user e-mail) to run the live GCP contract",
  );
}

adapterContract(`gcp live (${project})`, async () => ({
  adapter: gcpAdapter(),
  target: gcpTarget(project),
  principal,
  checkSettleMs: 240_000, // IAM changes take about 2 minutes to propagate
}));
