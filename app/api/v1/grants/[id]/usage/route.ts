import { GrantUsage } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { getGrantUsage } from "@/lib/usage/grant-usage";

export const GET = withApi({ params: IdParams, response: GrantUsage }, ({ ctx, params }) =>
  getGrantUsage({ ctx, input: { grantId: params.id } }),
);

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
