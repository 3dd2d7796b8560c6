import { TemplatePreview } from "@/lib/http/api-responses";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { PreviewTemplateInput, previewTemplate } from "@/lib/templates";

// POST because the input can hold thousands of permissions; it changes nothing.
export const POST = withApi(
  { body: PreviewTemplateInput, response: TemplatePreview },
  async ({ ctx, body }) => previewTemplate({ ctx, input: body }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
