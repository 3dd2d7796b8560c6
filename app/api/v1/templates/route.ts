import { listTemplates } from "@/lib/catalog/list";
import { created, withApi } from "@/lib/http/with-api";
import { CreateTemplateInput, createTemplate } from "@/lib/templates";

export const GET = withApi({}, async ({ ctx }) => ({ items: await listTemplates({ ctx }) }));

export const POST = withApi({ body: CreateTemplateInput }, async ({ ctx, body }) =>
  created(await createTemplate({ ctx, input: body })),
);
