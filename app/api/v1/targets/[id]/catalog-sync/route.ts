import { syncCatalogFromTarget } from "@/lib/catalog";
import { CatalogSync } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi({ params: IdParams, response: CatalogSync }, ({ ctx, params }) =>
  syncCatalogFromTarget({ ctx, input: { targetId: params.id } }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
