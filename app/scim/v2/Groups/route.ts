import { createScimGroup, listScim, parseListQuery, scimJson, withScim } from "@/lib/scim";

export const GET = withScim(async (call) =>
  scimJson(await listScim(call, "Groups", parseListQuery(new URL(call.req.url).searchParams))),
);
export const POST = withScim(async (call) => scimJson(await createScimGroup(call, await call.body()), 201));
