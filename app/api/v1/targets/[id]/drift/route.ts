import { DriftList } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { listDrift } from "@/lib/targets";
import { DriftQuery } from "@/lib/targets/schemas";

export const GET = withApi(
  { params: IdParams, query: DriftQuery, response: DriftList },
  async ({ ctx, params, query }) => ({
    items: await listDrift({ ctx, input: { targetId: params.id, limit: query.limit } }),
  }),
);

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
