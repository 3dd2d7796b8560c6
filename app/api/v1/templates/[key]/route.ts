import { TemplateVersion, UpdatedTemplate } from "@/lib/http/api-responses";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { getTemplateHistory, updateTemplate } from "@/lib/templates";
import { TemplateKeyParams, UpdateTemplateBody } from "@/lib/templates/api-schemas";

export const GET = withApi(
  { params: TemplateKeyParams, response: TemplateVersion },
  async ({ ctx, params }) => {
    const { versions } = await getTemplateHistory({ ctx, input: params });
    const { diff: _diff, ...latest } = versions[0];
    return latest;
  },
);

export const PUT = withApi(
  { params: TemplateKeyParams, body: UpdateTemplateBody, response: UpdatedTemplate },
  async ({ ctx, params, body }) => updateTemplate({ ctx, input: { ...body, key: params.key } }),
);

export const { POST, PATCH, DELETE } = methodNotAllowed("GET", "PUT");
