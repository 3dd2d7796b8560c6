import { listOf, schemas, scimJson, scimMethodNotAllowed, withScim } from "@/lib/scim";

export const GET = withScim(async ({ base }) => scimJson(listOf(schemas(base))));
export const { POST, PUT, PATCH, DELETE } = scimMethodNotAllowed("GET");
