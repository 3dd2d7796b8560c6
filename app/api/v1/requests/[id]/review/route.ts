import { AccessRequest } from "@/lib/http/api-responses";
import { IdParams, ReviewBody } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { reviewBreakGlass } from "@/lib/requests";

export const POST = withApi(
  { permission: "grants.revoke", params: IdParams, body: ReviewBody, response: AccessRequest },
  ({ ctx, params, body }) => reviewBreakGlass({ ctx, input: { ...body, requestId: params.id } }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
