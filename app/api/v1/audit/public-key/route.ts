import { getAuditPublicKey } from "@/lib/audit/public-key";
import { AuditPublicKey } from "@/lib/http/api-responses";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { withApi } from "@/lib/http/with-api";

export const GET = withApi({ response: AuditPublicKey }, async ({ ctx }) => getAuditPublicKey({ ctx }));

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
