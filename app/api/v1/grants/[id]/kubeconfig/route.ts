import { issueGrantKubeconfig } from "@/lib/grants";
import { Kubeconfig } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";

// POST, not GET: each call has the cluster mint a token (a state change, audited).
export const POST = withApi({ params: IdParams, response: Kubeconfig }, ({ ctx, params }) =>
  issueGrantKubeconfig({ ctx, input: { grantId: params.id } }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
