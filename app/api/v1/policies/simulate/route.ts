import { PolicySimulation } from "@/lib/http/api-responses";
import { SimulateBody } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";
import { simulatePolicy } from "@/lib/policies";

export const POST = withApi(
  { permission: "policies.edit", body: SimulateBody, response: PolicySimulation },
  ({ ctx, body }) => simulatePolicy({ ctx, input: body }),
);

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
