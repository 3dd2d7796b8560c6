import { decideRequest } from "@/lib/access";
import { DecisionBody, IdParams } from "@/lib/http/api-schemas";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi(
  { permission: "requests.approve", params: IdParams, body: DecisionBody },
  ({ ctx, params, body }) => decideRequest({ ctx, input: { ...body, requestId: params.id, channel: "api" } }),
);
