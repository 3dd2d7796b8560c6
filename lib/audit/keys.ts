import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";

/**
 * The audit signing key: Ed25519 (RFC 8032) through node:crypto. One key per server; checkpoints and
 * evidence packs carry its id (the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo DER) so
 * a verifier holding several public keys knows which one signed.
 */
export type SigningKey = { privateKey: KeyObject; publicKey: KeyObject; keyId: string; source: string };

export const EMBEDDED_KEY_FILE = "audit-signing-key.pem";

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").slice(0, 16);
}

export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: "spki", format: "pem" }).toString();
}

/** A PEM text or the path of a file holding one. */
function readPem(value: string): { pem: string; source: string } {
  if (value.includes("-----BEGIN")) return { pem: value, source: "ELEVATE_AUDIT_SIGNING_KEY" };
  if (!existsSync(value)) throw new Error(`ELEVATE_AUDIT_SIGNING_KEY: no such file ${value}`);
  return { pem: readFileSync(value, "utf8"), source: value };
}

function fromPrivatePem(pem: string, source: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`${source}: not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new Error(`${source}: the audit signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), source };
}

/** Reads a public key (SPKI PEM) or derives it from a private key PEM; Ed25519 only. */
export function parsePublicKey(pem: string, what = "public key"): KeyObject {
  let key: KeyObject;
  try {
    key = pem.includes("PRIVATE KEY") ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  } catch {
    throw new Error(`${what}: not a PEM public key`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${what}: must be an Ed25519 key`);
  return key;
}

let cached: { key: SigningKey | null } | undefined;

/**
 * The configured signing key. ELEVATE_AUDIT_SIGNING_KEY (PEM or file path) wins. Without it, the embedded
 * mode (no DATABASE_URL) and any non-production run generate one into ELEVATE_DATA_DIR (mode 0600) and warn
 * that production must supply its own; production on Postgres gets null: checkpoints are off and an error
 * is logged (the audit page and `audit verify` say so too).
 */
export function signingKey(): SigningKey | null {
  if (cached) return cached.key;
  const e = env();
  if (e.ELEVATE_AUDIT_SIGNING_KEY) {
    const { pem, source } = readPem(e.ELEVATE_AUDIT_SIGNING_KEY);
    cached = { key: fromPrivatePem(pem, source) };
    return cached.key;
  }
  if (e.NODE_ENV === "production" && e.DATABASE_URL) {
    logger.error(
      "ELEVATE_AUDIT_SIGNING_KEY is not set: signed audit checkpoints are OFF. Generate one with `openssl genpkey -algorithm ed25519` and set it (docs/audit.md)",
    );
    cached = { key: null };
    return null;
  }
  const file = path.resolve(e.ELEVATE_DATA_DIR, EMBEDDED_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync("ed25519");
    // "wx": two processes starting at once never overwrite each other's key.
    try {
      writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { flag: "wx", mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  logger.warn(
    { file },
    "audit signing key generated in the data folder: production must supply its own (ELEVATE_AUDIT_SIGNING_KEY)",
  );
  cached = { key: fromPrivatePem(readFileSync(file, "utf8"), file) };
  return cached.key;
}

/** Tests and the CLI change the environment: forget the key read so far. */
export function resetSigningKey(): void {
  cached = undefined;
}

export function signBytes(key: SigningKey, bytes: Uint8Array): string {
  return sign(null, bytes, key.privateKey).toString("hex");
}

const HEX_SIGNATURE = /^[0-9a-f]{128}$/;

/** True when `signature` (lowercase hex, exactly 64 bytes) is the key's Ed25519 signature of `bytes`. */
export function verifyBytes(publicKey: KeyObject, bytes: Uint8Array, signature: string): boolean {
  if (!HEX_SIGNATURE.test(signature)) return false;
  return verify(null, bytes, publicKey, Buffer.from(signature, "hex"));
}
