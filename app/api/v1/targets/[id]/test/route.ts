import { IdParams } from "@/lib/http/api-schemas";
import { withApi } from "@/lib/http/with-api";
import { testTargetConnection } from "@/lib/targets";

export const POST = withApi({ params: IdParams }, ({ ctx, params }) =>
  testTargetConnection({ ctx, input: { targetId: params.id } }),
);
