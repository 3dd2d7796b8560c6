import type { Ctx } from "@/lib/ctx";
import { Unavailable } from "@/lib/errors";
import { publicKeyPem, signingKey } from "./keys";

export type AuditPublicKeyDto = { alg: "Ed25519"; keyId: string; pem: string };

/**
 * The public half of the audit signing key, for anyone holding a token (a public key is not a secret;
 * verifiers should still pin the one they got out of band, since this answer comes from the server itself).
 */
export async function getAuditPublicKey({ ctx: _ctx }: { ctx: Ctx }): Promise<AuditPublicKeyDto> {
  const key = signingKey();
  if (!key) throw Unavailable("This server has no audit signing key (ELEVATE_AUDIT_SIGNING_KEY)");
  return { alg: "Ed25519", keyId: key.keyId, pem: publicKeyPem(key.publicKey) };
}
