CREATE TABLE "live_activity_intervals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"recorder_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"role" text NOT NULL,
	"account_id" uuid NOT NULL,
	"teacher_id" uuid,
	"classroom_id" uuid,
	"peer_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	CONSTRAINT "live_activity_kind_ck" CHECK ("live_activity_intervals"."kind" in ('speaking', 'stage', 'hand')),
	CONSTRAINT "live_activity_role_ck" CHECK ("live_activity_intervals"."role" in ('host', 'teacher', 'classroom')),
	CONSTRAINT "live_activity_end_ck" CHECK (("live_activity_intervals"."ended_at" is null) = ("live_activity_intervals"."end_reason" is null) and ("live_activity_intervals"."ended_at" is null or "live_activity_intervals"."ended_at" >= "live_activity_intervals"."started_at")),
	CONSTRAINT "live_activity_end_reason_ck" CHECK ("live_activity_intervals"."end_reason" is null or "live_activity_intervals"."end_reason" in ('stopped', 'left', 'disconnected', 'session_ended', 'shutdown', 'crash_recovered', 'media_rebuilt'))
);
--> statement-breakpoint
ALTER TABLE "live_evidence_rules" ADD COLUMN "min_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "live_activity_intervals" ADD CONSTRAINT "live_activity_intervals_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_activity_intervals" ADD CONSTRAINT "live_activity_intervals_recorder_id_live_recorders_id_fk" FOREIGN KEY ("recorder_id") REFERENCES "public"."live_recorders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_activity_intervals" ADD CONSTRAINT "live_activity_intervals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "live_activity_session_idx" ON "live_activity_intervals" USING btree ("session_id","kind");--> statement-breakpoint
CREATE INDEX "live_activity_open_idx" ON "live_activity_intervals" USING btree ("recorder_id") WHERE "live_activity_intervals"."ended_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "live_activity_one_open_uq" ON "live_activity_intervals" USING btree ("kind","peer_id") WHERE "live_activity_intervals"."ended_at" is null;--> statement-breakpoint
ALTER TABLE "live_evidence_rules" ADD CONSTRAINT "live_evidence_rules_seconds_ck" CHECK ("live_evidence_rules"."min_seconds" between 0 and 86400);