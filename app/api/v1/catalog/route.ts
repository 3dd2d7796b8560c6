import { searchCatalog } from "@/lib/catalog";
import { withApi } from "@/lib/http/with-api";
import { CatalogQuery } from "@/lib/templates/api-schemas";

export const GET = withApi({ query: CatalogQuery }, async ({ ctx, query: { q, ...filters } }) =>
  searchCatalog({ ctx, input: { query: q, ...filters } }),
);
