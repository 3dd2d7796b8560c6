import { INBOX_PAGE_SIZE, listInboxCards } from "@/lib/requests/list-inbox-cards";
import { uiRoute } from "../_lib/ui-route";

/** The newest `limit` cards (INBOX_PAGE_SIZE unless asked; the verb bounds and names a bad value). */
export const GET = uiRoute((ctx, { query }) =>
  listInboxCards({ ctx, input: { limit: query.get("limit") ?? INBOX_PAGE_SIZE } }),
);
