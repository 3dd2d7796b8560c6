import { NotFound } from "@/lib/errors";
import { getRequestView } from "@/lib/requests/request-view";
import { uiRoute } from "../../_lib/ui-route";

// A malformed id answers 404 like an unknown one (ids reveal nothing).
export const GET = uiRoute<{ id: string }>((ctx, { params }) =>
  getRequestView({ ctx, input: { requestId: params.id } }).catch((e: unknown) => {
    if (e instanceof Error && "code" in e && e.code === "validation") throw NotFound("Request");
    throw e;
  }),
);
