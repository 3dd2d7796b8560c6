import { IdParams } from "@/lib/http/api-schemas";
import { withApi } from "@/lib/http/with-api";
import { listDrift } from "@/lib/targets";
import { DriftQuery } from "@/lib/targets/schemas";

export const GET = withApi({ params: IdParams, query: DriftQuery }, async ({ ctx, params, query }) => ({
  items: await listDrift({ ctx, input: { targetId: params.id, limit: query.limit } }),
}));
