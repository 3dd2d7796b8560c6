ALTER TABLE "access_requests" ALTER COLUMN "template_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "permissions" jsonb;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "requests_template_xor_permissions" CHECK (("access_requests"."template_id" is null) <> ("access_requests"."permissions" is null));