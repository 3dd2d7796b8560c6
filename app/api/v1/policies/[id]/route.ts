import { PolicyDetail } from "@/lib/http/api-responses";
import { PolicyParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { getPolicy } from "@/lib/policies";

export const GET = withApi({ params: PolicyParams, response: PolicyDetail }, ({ ctx, params }) =>
  getPolicy({ ctx, input: { policyId: params.id } }),
);

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
