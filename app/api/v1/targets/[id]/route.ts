import { Target } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { getTarget, updateTarget } from "@/lib/targets";
import { UpdateTargetBody } from "@/lib/targets/schemas";

export const GET = withApi({ params: IdParams, response: Target }, ({ ctx, params }) =>
  getTarget({ ctx, input: { targetId: params.id } }),
);

export const PATCH = withApi(
  { params: IdParams, body: UpdateTargetBody, response: Target },
  ({ ctx, params, body }) => updateTarget({ ctx, input: { ...body, targetId: params.id } }),
);

export const { POST, PUT, DELETE } = methodNotAllowed("GET", "PATCH");
