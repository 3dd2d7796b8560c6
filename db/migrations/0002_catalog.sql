CREATE TABLE "catalog_permissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"cloud" text NOT NULL,
	"format" text NOT NULL,
	"name" text NOT NULL,
	"service" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"access_level" text NOT NULL,
	"custom_role_support" text,
	"data_action" boolean DEFAULT false NOT NULL,
	"version_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_roles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"cloud" text NOT NULL,
	"format" text NOT NULL,
	"name" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"stage" text,
	"permissions" text[] DEFAULT '{}' NOT NULL,
	"version_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"cloud" text NOT NULL,
	"format" text NOT NULL,
	"version" integer NOT NULL,
	"permission_count" integer NOT NULL,
	"role_count" integer NOT NULL,
	"added" integer NOT NULL,
	"removed" integer NOT NULL,
	"changes" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "catalog_permissions" ADD CONSTRAINT "catalog_permissions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_permissions" ADD CONSTRAINT "catalog_permissions_version_id_catalog_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."catalog_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_roles" ADD CONSTRAINT "catalog_roles_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_roles" ADD CONSTRAINT "catalog_roles_version_id_catalog_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."catalog_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_versions" ADD CONSTRAINT "catalog_versions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_permissions_uq" ON "catalog_permissions" USING btree ("org_id","cloud","format","name");--> statement-breakpoint
CREATE INDEX "catalog_permissions_org_cloud_idx" ON "catalog_permissions" USING btree ("org_id","cloud");--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_roles_uq" ON "catalog_roles" USING btree ("org_id","cloud","format","name");--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_versions_org_format_version_uq" ON "catalog_versions" USING btree ("org_id","cloud","format","version");