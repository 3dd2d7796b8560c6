import { listTemplates } from "@/lib/catalog/list";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi({}, async ({ ctx }) => ({ items: await listTemplates({ ctx }) }));
