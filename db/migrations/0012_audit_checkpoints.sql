CREATE TABLE "audit_checkpoints" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"key_id" text NOT NULL,
	"reason" text NOT NULL,
	"signature" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_checkpoints_reason_check" CHECK ("audit_checkpoints"."reason" in ('periodic', 'export', 'manual', 'retention'))
);
--> statement-breakpoint
ALTER TABLE "audit_checkpoints" ADD CONSTRAINT "audit_checkpoints_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_checkpoints_org_seq_reason_uq" ON "audit_checkpoints" USING btree ("org_id","seq","reason");--> statement-breakpoint
-- Hand-written: checkpoints are append-only like the events (no UPDATE, DELETE or TRUNCATE).
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION elevate_audit_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION elevate_audit_append_only();
--> statement-breakpoint
-- Hand-written: the retention purge (lib/audit/retention.ts) may DELETE events, and only those at or below
-- a signed `retention` checkpoint of their org, and only in a transaction that asked for it with
-- set_config('elevate.audit_purge', 'on', true). Everything else is refused as before.
CREATE OR REPLACE FUNCTION elevate_audit_events_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('elevate.audit_purge', true), '') = 'on' AND EXISTS (
    SELECT 1 FROM audit_checkpoints c
    WHERE c.org_id = OLD.org_id AND c.reason = 'retention' AND c.seq >= OLD.seq
  ) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER audit_events_no_update ON audit_events;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION elevate_audit_events_guard();
