import { AccessRequest } from "@/lib/http/api-responses";
import { DecisionBody, IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { decideRequest } from "@/lib/requests";

export const POST = withApi(
  { permission: "requests.approve", params: IdParams, body: DecisionBody, response: AccessRequest },
  ({ ctx, params, body }) => decideRequest({ ctx, input: { ...body, requestId: params.id, channel: "api" } }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
