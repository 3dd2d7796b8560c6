import { searchCatalog } from "@/lib/catalog";
import { CatalogSearch } from "@/lib/http/api-responses";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { CatalogQuery } from "@/lib/templates/api-schemas";

export const GET = withApi(
  { query: CatalogQuery, response: CatalogSearch },
  async ({ ctx, query: { q, ...filters } }) => searchCatalog({ ctx, input: { query: q, ...filters } }),
);

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
