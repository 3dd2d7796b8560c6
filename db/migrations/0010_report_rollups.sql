CREATE TABLE "report_daily" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"target_id" uuid,
	"template_key" text DEFAULT '' NOT NULL,
	"cloud" text NOT NULL,
	"grp" text DEFAULT '*' NOT NULL,
	"key" text DEFAULT '' NOT NULL,
	"n" integer NOT NULL,
	"total" double precision DEFAULT 0 NOT NULL,
	"samples" double precision[],
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_daily_kind_check" CHECK (kind in ('requests', 'approve_seconds', 'access_seconds', 'decisions', 'grants', 'calls', 'perm_grants', 'revocation_lateness'))
);
--> statement-breakpoint
ALTER TABLE "report_daily" ADD CONSTRAINT "report_daily_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_daily_org_kind_day_idx" ON "report_daily" USING btree ("org_id","grp","kind","day");