import { listTargets } from "@/lib/catalog/list";
import { Target, TargetList } from "@/lib/http/api-responses";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { connectTarget } from "@/lib/targets";
import { ConnectTargetInput } from "@/lib/targets/schemas";

export const GET = withApi({ response: TargetList }, async ({ ctx }) => ({
  items: await listTargets({ ctx }),
}));

export const POST = withApi({ body: ConnectTargetInput, response: Target, status: 201 }, ({ ctx, body }) =>
  connectTarget({ ctx, input: body }),
);

export const { PUT, PATCH, DELETE } = methodNotAllowed("GET", "POST");
