import { revokeGrant } from "@/lib/access";
import { IdParams, RevokeBody } from "@/lib/http/api-schemas";
import { withApi } from "@/lib/http/with-api";

export const POST = withApi({ params: IdParams, body: RevokeBody }, ({ ctx, params, body }) =>
  revokeGrant({ ctx, input: { ...body, grantId: params.id } }),
);
