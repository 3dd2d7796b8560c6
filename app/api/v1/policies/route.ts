import { PolicyDetail, PolicyList } from "@/lib/http/api-responses";
import { PoliciesQuery, ProposePolicyBody } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { listPolicies, proposePolicyChange } from "@/lib/policies";

export const GET = withApi({ query: PoliciesQuery, response: PolicyList }, async ({ ctx, query }) => ({
  items: await listPolicies({ ctx, input: query }),
}));

export const POST = withApi(
  { permission: "policies.edit", body: ProposePolicyBody, response: PolicyDetail, status: 201 },
  ({ ctx, body }) => proposePolicyChange({ ctx, input: body }),
);

export const { PUT, PATCH, DELETE } = methodNotAllowed("GET", "POST");
