import { hashToken } from "@/lib/tokens/secret";

/**
 * What the sessions table stores for a session cookie's token: its SHA-256 in hex, as for API tokens.
 * The token itself lives only in the browser's cookie; every lookup hashes the cookie first, so a copy of
 * the table (a backup, a leaked query log) holds nothing that signs anyone in.
 */
export function hashSessionToken(token: string): string {
  return hashToken(token);
}
