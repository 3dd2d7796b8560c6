import { getGrantAccess } from "@/lib/grants";
import { GrantAccess } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi({ params: IdParams, response: GrantAccess }, ({ ctx, params }) =>
  getGrantAccess({ ctx, input: { grantId: params.id } }),
);

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
