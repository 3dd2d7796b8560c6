import { z } from "zod";
import { SearchCatalogInput } from "@/lib/catalog/schemas";
import { TemplateKey, UpdateTemplateInput } from "./schemas";

/** `GET /api/v1/catalog`: the search box is `q` on the wire. */
export const CatalogQuery = SearchCatalogInput.omit({ query: true }).extend({
  q: z.string().trim().min(1, "type something to search for").max(200),
});

/** `PUT /api/v1/templates/{key}`: the key comes from the path. */
export const UpdateTemplateBody = UpdateTemplateInput.omit({ key: true });

/** A key that fails the pattern answers 404 (withApi), like an unknown one. */
export const TemplateKeyParams = z.object({ key: TemplateKey });
