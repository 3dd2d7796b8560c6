import { cancelRequest } from "@/lib/access";
import { IdParams } from "@/lib/http/api-schemas";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi({ params: IdParams }, ({ ctx, params }) =>
  cancelRequest({ ctx, input: { requestId: params.id } }),
);
