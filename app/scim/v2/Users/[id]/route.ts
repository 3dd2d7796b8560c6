import { deleteScimUser, getScimUser, patchScimUser, replaceScimUser, scimJson, withScim } from "@/lib/scim";

export const GET = withScim(async (call) => scimJson(await getScimUser(call, call.params.id)));
export const PUT = withScim(async (call) =>
  scimJson(await replaceScimUser(call, call.params.id, await call.body())),
);
export const PATCH = withScim(async (call) =>
  scimJson(await patchScimUser(call, call.params.id, await call.body())),
);
export const DELETE = withScim(async (call) => {
  await deleteScimUser(call, call.params.id);
  return scimJson(null);
});
