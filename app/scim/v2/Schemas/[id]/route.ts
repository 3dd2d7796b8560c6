import { schemas, scimJson, scimMethodNotAllowed, scimNotFound, withScim } from "@/lib/scim";

export const GET = withScim(async ({ base, params }) => {
  const found = schemas(base).find((s) => s.id === params.id);
  if (!found) throw scimNotFound("Schema", params.id);
  return scimJson(found);
});
export const { POST, PUT, PATCH, DELETE } = scimMethodNotAllowed("GET");
