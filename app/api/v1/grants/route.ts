import { listGrants } from "@/lib/grants";
import { GrantPage } from "@/lib/http/api-responses";
import { GrantsQuery } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi({ query: GrantsQuery, response: GrantPage }, ({ ctx, query }) =>
  listGrants({ ctx, input: query }),
);

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
