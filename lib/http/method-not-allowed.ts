import { apiError } from "./with-api";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];
type Handler = (req: Request) => Promise<Response>;

/**
 * Handlers for the methods a route does not define, answering 405 in the API's error shape with `Allow`
 * (Next's own 405 has an empty body). A route file exports them beside its real handlers:
 * `export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");`
 */
export function methodNotAllowed<A extends Method>(...allowed: A[]): Record<Exclude<Method, A>, Handler> {
  const allow = allowed.join(", ");
  const refuse: Handler = async (req) => {
    const res = apiError(405, "method_not_allowed", `${req.method} is not defined here; allowed: ${allow}`);
    res.headers.set("allow", allow);
    return res;
  };
  const out: Partial<Record<Method, Handler>> = {};
  for (const m of METHODS) if (!(allowed as Method[]).includes(m)) out[m] = refuse;
  return out as Record<Exclude<Method, A>, Handler>;
}
