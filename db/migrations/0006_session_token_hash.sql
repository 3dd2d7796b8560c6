-- Session tokens are stored as their SHA-256 (hex), never in clear. Sessions written before this migration
-- hold plain tokens, which may also have reached logs and backups: they are deleted, not hashed in place,
-- so every such token stops working. People sign in again.
DELETE FROM "sessions";--> statement-breakpoint
ALTER TABLE "sessions" RENAME COLUMN "session_token" TO "session_token_hash";--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_token_hash_sha256" CHECK ("sessions"."session_token_hash" ~ '^[0-9a-f]{64}$');
