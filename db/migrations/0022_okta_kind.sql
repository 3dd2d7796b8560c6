ALTER TABLE "catalog_permissions" DROP CONSTRAINT "catalog_permissions_cloud_check";--> statement-breakpoint
ALTER TABLE "catalog_roles" DROP CONSTRAINT "catalog_roles_cloud_check";--> statement-breakpoint
ALTER TABLE "catalog_versions" DROP CONSTRAINT "catalog_versions_cloud_check";--> statement-breakpoint
ALTER TABLE "targets" DROP CONSTRAINT "targets_cloud_check";--> statement-breakpoint
ALTER TABLE "targets" DROP CONSTRAINT "targets_adapter_check";--> statement-breakpoint
ALTER TABLE "catalog_permissions" ADD CONSTRAINT "catalog_permissions_cloud_check" CHECK ("catalog_permissions"."cloud" in ('aws', 'gcp', 'azure', 'kubernetes', 'okta'));--> statement-breakpoint
ALTER TABLE "catalog_roles" ADD CONSTRAINT "catalog_roles_cloud_check" CHECK ("catalog_roles"."cloud" in ('aws', 'gcp', 'azure', 'kubernetes', 'okta'));--> statement-breakpoint
ALTER TABLE "catalog_versions" ADD CONSTRAINT "catalog_versions_cloud_check" CHECK ("catalog_versions"."cloud" in ('aws', 'gcp', 'azure', 'kubernetes', 'okta'));--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_cloud_check" CHECK ("targets"."cloud" in ('aws', 'gcp', 'azure', 'kubernetes', 'okta'));--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_adapter_check" CHECK ("targets"."adapter" in ('sandbox', 'aws', 'gcp', 'azure', 'kubernetes', 'okta'));