ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_org_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_target_id_targets_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_grant_id_grants_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_import_id_usage_imports_id_fk";
