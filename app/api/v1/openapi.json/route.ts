import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { openApiDocument } from "@/lib/http/openapi";

/** Public: the API's shape is not a secret, and clients need it before they have a token. */
export function GET(): Response {
  return Response.json(openApiDocument());
}

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
