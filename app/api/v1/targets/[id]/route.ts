import { IdParams } from "@/lib/http/api-schemas";
import { withApi } from "@/lib/http/with-api";
import { getTarget, updateTarget } from "@/lib/targets";
import { UpdateTargetBody } from "@/lib/targets/schemas";

export const GET = withApi({ params: IdParams }, ({ ctx, params }) =>
  getTarget({ ctx, input: { targetId: params.id } }),
);

export const PATCH = withApi({ params: IdParams, body: UpdateTargetBody }, ({ ctx, params, body }) =>
  updateTarget({ ctx, input: { ...body, targetId: params.id } }),
);
