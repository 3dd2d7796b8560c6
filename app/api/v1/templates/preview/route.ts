import { withApi } from "@/lib/http/with-api";
import { PreviewTemplateInput, previewTemplate } from "@/lib/templates";

// POST because the input can hold thousands of permissions; it changes nothing.
export const POST = withApi({ body: PreviewTemplateInput }, async ({ ctx, body }) =>
  previewTemplate({ ctx, input: body }),
);
