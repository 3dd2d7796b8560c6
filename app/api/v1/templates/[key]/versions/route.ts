import { withApi } from "@/lib/http/with-api";
import { getTemplateHistory } from "@/lib/templates";
import { TemplateKeyParams } from "@/lib/templates/api-schemas";

export const GET = withApi({ params: TemplateKeyParams }, async ({ ctx, params }) =>
  getTemplateHistory({ ctx, input: params }),
);
