CREATE TABLE "audit_pending" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"hash_prefix" text NOT NULL,
	"hash_suffix" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_pending" ADD CONSTRAINT "audit_pending_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Chains an audited transaction's events at its COMMIT, so the org's chain lock is held only for this and
-- the commit itself (it used to be held from the first audit write to the end of the transaction). Each
-- statement here takes a fresh snapshot under READ COMMITTED, so the head is read after the lock is held.
-- hash = sha256(prev_hash || canonical JSON of the event), the JSON given around its seq by the writer.
CREATE OR REPLACE FUNCTION elevate_audit_chain_pending() RETURNS trigger AS $$
DECLARE
  head record;
  prev text;
  next_seq bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('audit:' || NEW.org_id::text));
  SELECT seq, hash INTO head FROM audit_events WHERE org_id = NEW.org_id ORDER BY seq DESC LIMIT 1;
  prev := coalesce(head.hash, repeat('0', 64));
  next_seq := coalesce(head.seq, 0) + 1;
  INSERT INTO audit_events (org_id, seq, actor_type, actor_id, action, subject_type, subject_id, data,
                            prev_hash, hash, created_at)
  VALUES (NEW.org_id, next_seq, NEW.actor_type, NEW.actor_id, NEW.action, NEW.subject_type, NEW.subject_id,
          NEW.data, prev,
          encode(sha256(convert_to(prev || NEW.hash_prefix || next_seq::text || NEW.hash_suffix, 'UTF8')), 'hex'),
          NEW.created_at);
  DELETE FROM audit_pending WHERE id = NEW.id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER audit_pending_chain AFTER INSERT ON audit_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION elevate_audit_chain_pending();
