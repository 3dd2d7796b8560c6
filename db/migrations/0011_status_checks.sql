ALTER TABLE "catalog_permissions" ADD CONSTRAINT "catalog_permissions_cloud_check" CHECK ("catalog_permissions"."cloud" in ('aws', 'gcp', 'azure'));--> statement-breakpoint
ALTER TABLE "catalog_roles" ADD CONSTRAINT "catalog_roles_cloud_check" CHECK ("catalog_roles"."cloud" in ('aws', 'gcp', 'azure'));--> statement-breakpoint
ALTER TABLE "catalog_versions" ADD CONSTRAINT "catalog_versions_cloud_check" CHECK ("catalog_versions"."cloud" in ('aws', 'gcp', 'azure'));--> statement-breakpoint
ALTER TABLE "cloud_roles" ADD CONSTRAINT "cloud_roles_status_check" CHECK ("cloud_roles"."status" in ('active', 'deleted'));--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_status_check" CHECK ("grants"."status" in ('scheduled', 'provisioning', 'active', 'revoking', 'revoked', 'failed', 'revoke_stuck'));--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_source_check" CHECK ("groups"."source" in ('idp', 'local'));--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_role_check" CHECK ("groups"."role" in ('requester', 'approver', 'admin', 'auditor'));--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_status_check" CHECK ("access_requests"."status" in ('pending', 'approved', 'denied', 'cancelled', 'lapsed', 'completed'));--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_verdict_check" CHECK ("approvals"."verdict" in ('approve', 'deny'));--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_channel_check" CHECK ("approvals"."channel" in ('web', 'slack', 'api'));--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_cloud_check" CHECK ("targets"."cloud" in ('aws', 'gcp', 'azure'));--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_adapter_check" CHECK ("targets"."adapter" in ('sandbox', 'aws', 'gcp', 'azure'));--> statement-breakpoint
ALTER TABLE "task_templates" ADD CONSTRAINT "task_templates_risk_check" CHECK ("task_templates"."risk" in ('low', 'medium', 'high'));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_local_roles_check" CHECK ("users"."local_roles" <@ array['requester', 'approver', 'admin', 'auditor']::text[]);