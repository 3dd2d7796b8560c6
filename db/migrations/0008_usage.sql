CREATE TABLE "usage_checkpoints" (
	"target_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"cursor" jsonb NOT NULL,
	"pulled_events" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"cloud" text NOT NULL,
	"event_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"target_id" uuid,
	"scope" text,
	"principal" text NOT NULL,
	"session_name" text,
	"permission" text NOT NULL,
	"allowed" boolean NOT NULL,
	"resource" text,
	"operation" text NOT NULL,
	"attribution" text NOT NULL,
	"grant_id" uuid,
	"import_id" uuid,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_events_cloud_check" CHECK ("usage_events"."cloud" in ('aws', 'gcp', 'azure')),
	CONSTRAINT "usage_events_attribution_check" CHECK (("usage_events"."attribution" = 'grant' and "usage_events"."grant_id" is not null) or ("usage_events"."attribution" = 'standing' and "usage_events"."grant_id" is null))
);
--> statement-breakpoint
CREATE TABLE "usage_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"source" text NOT NULL,
	"name" text NOT NULL,
	"target_id" uuid,
	"started_by" uuid,
	"counts" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "usage_imports_source_check" CHECK ("usage_imports"."source" in ('cli', 'upload', 'pull'))
);
--> statement-breakpoint
ALTER TABLE "usage_checkpoints" ADD CONSTRAINT "usage_checkpoints_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_checkpoints" ADD CONSTRAINT "usage_checkpoints_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_import_id_usage_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."usage_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_imports" ADD CONSTRAINT "usage_imports_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_imports" ADD CONSTRAINT "usage_imports_target_id_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_imports" ADD CONSTRAINT "usage_imports_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "usage_events_org_cloud_event_uq" ON "usage_events" USING btree ("org_id","cloud","event_id");--> statement-breakpoint
CREATE INDEX "usage_events_org_grant_idx" ON "usage_events" USING btree ("org_id","grant_id");--> statement-breakpoint
CREATE INDEX "usage_events_org_occurred_idx" ON "usage_events" USING btree ("org_id","occurred_at");--> statement-breakpoint
CREATE INDEX "usage_events_org_principal_idx" ON "usage_events" USING btree ("org_id","principal","occurred_at");--> statement-breakpoint
CREATE INDEX "usage_imports_org_started_idx" ON "usage_imports" USING btree ("org_id","started_at");