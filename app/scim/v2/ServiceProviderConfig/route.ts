import { scimJson, scimMethodNotAllowed, serviceProviderConfig, withScim } from "@/lib/scim";

export const GET = withScim(async ({ base }) => scimJson(serviceProviderConfig(base)));
export const { POST, PUT, PATCH, DELETE } = scimMethodNotAllowed("GET");
