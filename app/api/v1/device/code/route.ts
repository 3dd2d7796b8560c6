import { deviceCodeRoute } from "@/lib/http/device-routes";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";

/** Public: the CLI asks for a device code before it has a token (RFC 8628 §3.1). */
export const POST = deviceCodeRoute;
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
