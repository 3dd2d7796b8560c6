import { syncCatalogFromTarget } from "@/lib/catalog";
import { IdParams } from "@/lib/http/api-schemas";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi({ params: IdParams }, ({ ctx, params }) =>
  syncCatalogFromTarget({ ctx, input: { targetId: params.id } }),
);
