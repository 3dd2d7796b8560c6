import { INBOX_PAGE_SIZE, listInboxCards } from "@/lib/access/requester-history";
import { uiRoute } from "../_lib/ui-route";

export const GET = uiRoute((ctx) => listInboxCards({ ctx, input: { limit: INBOX_PAGE_SIZE } }));
