import {
  deleteScimGroup,
  getScimGroup,
  patchScimGroup,
  replaceScimGroup,
  scimJson,
  withScim,
} from "@/lib/scim";

export const GET = withScim(async (call) => scimJson(await getScimGroup(call, call.params.id)));
export const PUT = withScim(async (call) =>
  scimJson(await replaceScimGroup(call, call.params.id, await call.body())),
);
export const PATCH = withScim(async (call) =>
  scimJson(await patchScimGroup(call, call.params.id, await call.body())),
);
export const DELETE = withScim(async (call) => {
  await deleteScimGroup(call, call.params.id);
  return scimJson(null);
});
