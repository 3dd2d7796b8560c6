ALTER TABLE "usage_events" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_pkey" PRIMARY KEY("org_id","cloud","event_id");--> statement-breakpoint
DROP INDEX "usage_events_org_cloud_event_uq";--> statement-breakpoint
DROP INDEX "usage_events_org_principal_idx";
