import { AccessRequest, RequestPage } from "@/lib/http/api-responses";
import { RequestsQuery, SubmitBody } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { listRequests, submitRequest } from "@/lib/requests";

export const POST = withApi(
  { permission: "requests.create", body: SubmitBody, response: AccessRequest, status: 201 },
  ({ ctx, body }) => submitRequest({ ctx, input: body }),
);

export const GET = withApi({ query: RequestsQuery, response: RequestPage }, ({ ctx, query }) =>
  listRequests({ ctx, input: query }),
);

export const { PUT, PATCH, DELETE } = methodNotAllowed("GET", "POST");
