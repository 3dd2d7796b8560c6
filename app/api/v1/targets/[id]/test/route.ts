import { ConnectionCheck } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { testTargetConnection } from "@/lib/targets";

export const POST = withApi({ params: IdParams, response: ConnectionCheck }, ({ ctx, params }) =>
  testTargetConnection({ ctx, input: { targetId: params.id } }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
