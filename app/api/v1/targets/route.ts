import { listTargets } from "@/lib/catalog/list";
import { created, withApi } from "@/lib/http/with-api";
import { connectTarget } from "@/lib/targets";
import { ConnectTargetInput } from "@/lib/targets/schemas";

export const GET = withApi({}, async ({ ctx }) => ({ items: await listTargets({ ctx }) }));

export const POST = withApi({ body: ConnectTargetInput }, async ({ ctx, body }) =>
  created(await connectTarget({ ctx, input: body })),
);
