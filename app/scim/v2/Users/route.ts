import { createScimUser, listScim, parseListQuery, scimJson, withScim } from "@/lib/scim";

export const GET = withScim(async (call) =>
  scimJson(await listScim(call, "Users", parseListQuery(new URL(call.req.url).searchParams))),
);
export const POST = withScim(async (call) => scimJson(await createScimUser(call, await call.body()), 201));
