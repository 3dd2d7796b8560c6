import { getEvidencePack } from "@/lib/evidence/build-pack";
import type { EvidencePackDto } from "@/lib/evidence/schema";
import { packText } from "@/lib/evidence/signing";
import { EvidencePack } from "@/lib/http/api-responses";
import { IdParams } from "@/lib/http/api-schemas";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { type ApiArgs, withApi } from "@/lib/http/with-api";

/**
 * The grant's signed evidence pack as its exact canonical bytes, so the saved body verifies offline
 * byte for byte (`npx elevate evidence verify`). withApi passes a Response through as it is; the body is
 * still the EvidencePack the document declares (the API tests check it against the schema).
 */
async function exactBytes({ ctx, params }: ApiArgs<undefined, undefined, typeof IdParams>) {
  const pack = await getEvidencePack({ ctx, input: { grantId: params.id } });
  return new Response(packText(pack), {
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

export const GET = withApi(
  { params: IdParams, response: EvidencePack },
  exactBytes as unknown as (args: ApiArgs<undefined, undefined, typeof IdParams>) => Promise<EvidencePackDto>,
);

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed("GET");
