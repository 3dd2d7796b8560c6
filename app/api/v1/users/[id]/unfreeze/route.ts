import { unfreezePerson } from "@/lib/freeze";
import { Unfreeze } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi(
  { permission: "users.manage", params: IdParams, response: Unfreeze },
  ({ ctx, params }) => unfreezePerson({ ctx, input: { userId: params.id } }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
