import type { KeyObject } from "node:crypto";
import { canonicalJson, eventHash } from "@/lib/audit/canonical";
import { checkpointSignatureOk, type SignedCheckpoint } from "@/lib/audit/checkpoint";
import { keyIdOf, type SigningKey, signBytes, verifyBytes } from "@/lib/audit/keys";

/**
 * Evidence packs are signed so they verify OFFLINE (no database): the file is the pack's canonical JSON
 * (lib/audit/canonical: keys sorted at every depth, no whitespace) plus one newline, and
 * `signature.value` is the Ed25519 signature of the canonical JSON of the pack with that value left out.
 * Verification re-serialises what it parsed and requires the same bytes, so a change of any byte (even
 * whitespace, key order or an escape) fails, as does any change of content.
 */
export const PACK_FORMAT = "elevate-evidence/v1";

export type PackSignature = { alg: "Ed25519"; keyId: string; value: string };
type Unsigned<P> = P & { signature: Omit<PackSignature, "value"> };

export function signPack<P extends Record<string, unknown>>(
  key: SigningKey,
  pack: P,
): P & { signature: PackSignature } {
  const unsigned: Unsigned<P> = { ...pack, signature: { alg: "Ed25519", keyId: key.keyId } };
  const value = signBytes(key, Buffer.from(canonicalJson(unsigned), "utf8"));
  return { ...unsigned, signature: { ...unsigned.signature, value } };
}

/** The exact bytes of a pack file. */
export function packText(pack: Record<string, unknown>): string {
  return `${canonicalJson(pack)}\n`;
}

export type PackVerification =
  | { ok: true; keyId: string; events: number; checkpointSeq: number | null }
  | { ok: false; problem: string };

type AuditEventJson = {
  seq: number;
  orgId: string;
  actorType: string;
  actorId: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown>;
  createdAt: string;
  prevHash: string;
  hash: string;
};

/**
 * Checks a pack file's text against the public keys given, with no database: its bytes are canonical,
 * its signature verifies, each audit event's hash recomputes from its content and previous hash, and the
 * covering checkpoint (when present) is signed by the same keys and covers every event listed.
 */
export function verifyPackText(text: string, publicKeys: KeyObject[]): PackVerification {
  const no = (problem: string): PackVerification => ({ ok: false, problem });
  let pack: Record<string, unknown>;
  try {
    pack = JSON.parse(text);
  } catch {
    return no("not JSON (a byte was changed or the file is cut)");
  }
  if (pack === null || typeof pack !== "object" || Array.isArray(pack)) return no("not an evidence pack");
  if (pack.format !== PACK_FORMAT) return no(`format is not ${PACK_FORMAT}`);
  // The API body is the canonical JSON; a saved file may carry one final newline.
  if (packText(pack) !== text && canonicalJson(pack) !== text) {
    return no(
      "the bytes are not the pack's canonical form: the file was edited (whitespace, order or escapes)",
    );
  }
  const sig = pack.signature as Partial<PackSignature> | undefined;
  if (sig?.alg !== "Ed25519" || typeof sig.keyId !== "string" || typeof sig.value !== "string") {
    return no("signature missing or malformed");
  }
  const key = publicKeys.find((k) => keyIdOf(k) === sig.keyId);
  if (!key) return no(`signed by key ${sig.keyId}, which is not the public key given`);
  const unsigned = { ...pack, signature: { alg: sig.alg, keyId: sig.keyId } };
  if (!verifyBytes(key, Buffer.from(canonicalJson(unsigned), "utf8"), sig.value)) {
    return no("signature does not verify: the evidence was changed after signing");
  }
  // The audit section: each event re-hashes, and the signed checkpoint covers them.
  const audit = (pack.sections as Record<string, unknown> | undefined)?.audit as
    | { events?: AuditEventJson[]; checkpoint?: SignedCheckpoint | null }
    | undefined;
  const events = audit?.events ?? [];
  for (const e of events) {
    const hash = eventHash(e.prevHash, { ...e, createdAt: new Date(e.createdAt) });
    if (hash !== e.hash) return no(`audit event seq ${e.seq} does not hash to its recorded hash`);
  }
  const cp = audit?.checkpoint ?? null;
  if (cp) {
    if (!publicKeys.some((k) => keyIdOf(k) === cp.keyId && checkpointSignatureOk(k, cp))) {
      return no(`the covering checkpoint (seq ${cp.seq}) is not validly signed`);
    }
    const last = events.at(-1);
    if (last && cp.seq < last.seq)
      return no(`the checkpoint (seq ${cp.seq}) does not cover event seq ${last.seq}`);
    const at = events.find((e) => e.seq === cp.seq);
    if (at && at.hash !== cp.headHash)
      return no(`the checkpoint's head hash differs from event seq ${cp.seq}`);
  }
  return { ok: true, keyId: sig.keyId, events: events.length, checkpointSeq: cp?.seq ?? null };
}
