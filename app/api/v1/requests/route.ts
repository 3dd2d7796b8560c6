import { listRequests, submitRequest } from "@/lib/access";
import { RequestsQuery, SubmitBody } from "@/lib/http/api-schemas";
import { created, withApi } from "@/lib/http/with-api";

export const POST = withApi({ permission: "requests.create", body: SubmitBody }, async ({ ctx, body }) =>
  created(await submitRequest({ ctx, input: body })),
);

export const GET = withApi({ query: RequestsQuery }, ({ ctx, query }) => listRequests({ ctx, input: query }));
