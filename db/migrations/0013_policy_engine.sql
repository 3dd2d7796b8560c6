ALTER TABLE "policies" ALTER COLUMN "version" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "status" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "base_version" integer;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "comment" text;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "decided_by" uuid;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "target_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "policy_outcome" jsonb;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "break_glass" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "review_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "reviewed_by" uuid;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "review_escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "policy_version" integer;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "rule_ids" jsonb;--> statement-breakpoint
ALTER TABLE "targets" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "targets" ADD COLUMN "environment" text;--> statement-breakpoint
ALTER TABLE "targets" ADD COLUMN "owner_group" text;--> statement-breakpoint
ALTER TABLE "targets" ADD COLUMN "oncall_service_id" text;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "requests_review_due_idx" ON "access_requests" USING btree ("review_due_at") WHERE "access_requests"."break_glass" and "access_requests"."reviewed_at" is null and "access_requests"."review_escalated_at" is null;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_status_check" CHECK ("policies"."status" in ('pending', 'active', 'rejected'));--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_active_has_version" CHECK (("policies"."status" = 'active') = ("policies"."version" is not null));--> statement-breakpoint
-- Hand-written: existing (one-group, one-quorum) policy documents become version-2 documents whose defaults
-- decide exactly what they decided before, with no rules; existing requests list their one target.
UPDATE "policies" SET "document" = jsonb_build_object(
  'schemaVersion', 2,
  'pendingTimeoutSeconds', "document"->'pendingTimeoutSeconds',
  'rules', '[]'::jsonb,
  'defaults', jsonb_build_object(
    'deny', false,
    'approverGroups', jsonb_build_array("document"->'approverGroup'),
    'approvalsRequired', "document"->'approvalsRequired',
    'maxDurationSeconds', "document"->'maxDurationSeconds',
    'justificationRequired', "document"->'justificationRequired',
    'ticketRequired', false,
    'ticketPatterns', '[]'::jsonb,
    'autoApprove', 'null'::jsonb,
    'extensions', jsonb_build_object('autoUpToSeconds', "document"->'maxDurationSeconds'),
    'breakGlass', jsonb_build_object('allowed', false, 'maxDurationSeconds', 3600, 'reviewWithinSeconds', 86400),
    'stepUp', false
  )
) WHERE NOT ("document" ? 'schemaVersion');--> statement-breakpoint
UPDATE "access_requests" SET "target_ids" = ARRAY["target_id"] WHERE cardinality("target_ids") = 0;
