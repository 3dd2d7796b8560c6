import { AccessRequest } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { cancelRequest } from "@/lib/requests";

export const POST = withApi({ params: IdParams, response: AccessRequest }, ({ ctx, params }) =>
  cancelRequest({ ctx, input: { requestId: params.id } }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
