import { resourceTypes, scimJson, scimMethodNotAllowed, scimNotFound, withScim } from "@/lib/scim";

export const GET = withScim(async ({ base, params }) => {
  const found = resourceTypes(base).find((r) => r.id === params.id);
  if (!found) throw scimNotFound("ResourceType", params.id);
  return scimJson(found);
});
export const { POST, PUT, PATCH, DELETE } = scimMethodNotAllowed("GET");
