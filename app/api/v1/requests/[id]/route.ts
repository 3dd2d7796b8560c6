import { AccessRequest } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { getRequest } from "@/lib/requests";

export const GET = withApi({ params: IdParams, response: AccessRequest }, ({ ctx, params }) =>
  getRequest({ ctx, input: { requestId: params.id } }),
);

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
