import { listOf, resourceTypes, scimJson, scimMethodNotAllowed, withScim } from "@/lib/scim";

export const GET = withScim(async ({ base }) => scimJson(listOf(resourceTypes(base))));
export const { POST, PUT, PATCH, DELETE } = scimMethodNotAllowed("GET");
