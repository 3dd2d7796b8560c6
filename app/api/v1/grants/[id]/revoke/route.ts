import { revokeGrant } from "@/lib/grants";
import { Grant } from "@/lib/http/api-responses";
import { IdParams, RevokeBody } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi(
  { params: IdParams, body: RevokeBody, response: Grant },
  ({ ctx, params, body }) => revokeGrant({ ctx, input: { ...body, grantId: params.id } }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
