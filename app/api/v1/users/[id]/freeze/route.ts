import { freezePerson } from "@/lib/freeze";
import { Freeze } from "@/lib/http/api-responses";
import { FreezeBody, IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi(
  { permission: "users.manage", params: IdParams, body: FreezeBody, response: Freeze },
  ({ ctx, params, body }) => freezePerson({ ctx, input: { ...body, userId: params.id } }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
