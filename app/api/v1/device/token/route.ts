import { deviceTokenRoute } from "@/lib/http/device-routes";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";

/** Public: the CLI polls with its device code until the person approves (RFC 8628 §3.4). */
export const POST = deviceTokenRoute;
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
