import { PolicyDetail } from "@/lib/http/api-responses";
import { DecidePolicyBody, IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { rejectPolicyChange } from "@/lib/policies";

export const POST = withApi(
  { permission: "policies.edit", params: IdParams, body: DecidePolicyBody, response: PolicyDetail },
  ({ ctx, params, body }) => rejectPolicyChange({ ctx, input: { ...body, policyId: params.id } }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
