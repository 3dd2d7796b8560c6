import { TemplateHistory } from "@/lib/http/api-responses";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { getTemplateHistory } from "@/lib/templates";
import { TemplateKeyParams } from "@/lib/templates/api-schemas";

export const GET = withApi(
  { params: TemplateKeyParams, response: TemplateHistory },
  async ({ ctx, params }) => getTemplateHistory({ ctx, input: params }),
);

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
