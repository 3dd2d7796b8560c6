import { createHash, randomBytes } from "node:crypto";

/** `elv_` + 32 random bytes as base64url (43 characters). */
export const TOKEN_PATTERN = /^elv_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 12;

export function generateToken(): { token: string; prefix: string; secretHash: string } {
  const token = `elv_${randomBytes(32).toString("base64url")}`;
  return { token, prefix: token.slice(0, PREFIX_LENGTH), secretHash: hashToken(token) };
}

/** Only this digest is stored; the token itself is shown once and never kept or logged. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
