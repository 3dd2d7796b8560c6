import { listGrants } from "@/lib/access";
import { GrantsQuery } from "@/lib/http/api-schemas";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi({ query: GrantsQuery }, ({ ctx, query }) => listGrants({ ctx, input: query }));
