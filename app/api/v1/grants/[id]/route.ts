import { getGrant } from "@/lib/access";
import { IdParams } from "@/lib/http/api-schemas";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi({ params: IdParams }, ({ ctx, params }) =>
  getGrant({ ctx, input: { grantId: params.id } }),
);
