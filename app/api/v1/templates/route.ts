import { listTemplates } from "@/lib/catalog/list";
import { SavedTemplate, TemplateList } from "@/lib/http/api-responses";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { CreateTemplateInput, createTemplate } from "@/lib/templates";

export const GET = withApi({ response: TemplateList }, async ({ ctx }) => ({
  items: await listTemplates({ ctx }),
}));

export const POST = withApi(
  { body: CreateTemplateInput, response: SavedTemplate, status: 201 },
  ({ ctx, body }) => createTemplate({ ctx, input: body }),
);

export const { PUT, PATCH, DELETE } = methodNotAllowed("GET", "POST");
