CREATE TABLE "live_evidence_intervals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"recorder_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"role" text NOT NULL,
	"account_id" uuid NOT NULL,
	"teacher_id" uuid,
	"classroom_id" uuid,
	"peer_id" text NOT NULL,
	"direction" text,
	"source" text,
	"from_peer_id" text,
	"from_account_id" uuid,
	"from_role" text,
	"media_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	CONSTRAINT "live_evidence_kind_ck" CHECK ("live_evidence_intervals"."kind" in ('connected', 'publishing', 'receiving')),
	CONSTRAINT "live_evidence_role_ck" CHECK ("live_evidence_intervals"."role" in ('host', 'teacher', 'classroom', 'observer')),
	CONSTRAINT "live_evidence_source_ck" CHECK ("live_evidence_intervals"."source" is null or "live_evidence_intervals"."source" in ('camera', 'microphone', 'screen', 'screen-audio')),
	CONSTRAINT "live_evidence_shape_ck" CHECK (case "live_evidence_intervals"."kind"
        when 'connected' then "live_evidence_intervals"."direction" in ('send', 'recv') and "live_evidence_intervals"."source" is null
        when 'publishing' then "live_evidence_intervals"."source" is not null and "live_evidence_intervals"."direction" is null
        else "live_evidence_intervals"."source" is not null and "live_evidence_intervals"."from_peer_id" is not null and "live_evidence_intervals"."from_account_id" is not null end),
	CONSTRAINT "live_evidence_end_ck" CHECK (("live_evidence_intervals"."ended_at" is null) = ("live_evidence_intervals"."end_reason" is null) and ("live_evidence_intervals"."ended_at" is null or "live_evidence_intervals"."ended_at" >= "live_evidence_intervals"."started_at")),
	CONSTRAINT "live_evidence_end_reason_ck" CHECK ("live_evidence_intervals"."end_reason" is null or "live_evidence_intervals"."end_reason" in ('stopped', 'left', 'disconnected', 'session_ended', 'shutdown', 'crash_recovered', 'media_rebuilt'))
);
--> statement-breakpoint
CREATE TABLE "live_evidence_rules" (
	"rule_id" text NOT NULL,
	"effective_from" date NOT NULL,
	"min_share" numeric(4, 3) NOT NULL,
	"min_count" integer DEFAULT 1 NOT NULL,
	"margin_minutes" integer DEFAULT 10 NOT NULL,
	"description" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_evidence_rules_rule_id_effective_from_pk" PRIMARY KEY("rule_id","effective_from"),
	CONSTRAINT "live_evidence_rules_share_ck" CHECK ("live_evidence_rules"."min_share" between 0 and 1),
	CONSTRAINT "live_evidence_rules_count_ck" CHECK ("live_evidence_rules"."min_count" >= 0),
	CONSTRAINT "live_evidence_rules_margin_ck" CHECK ("live_evidence_rules"."margin_minutes" between 0 and 240)
);
--> statement-breakpoint
CREATE TABLE "live_recorders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "live_recordings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"started_by" uuid NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"status" text DEFAULT 'recording' NOT NULL,
	"storage_key" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint,
	"error" text,
	CONSTRAINT "live_recordings_storage_key_unique" UNIQUE("storage_key"),
	CONSTRAINT "live_recordings_status_ck" CHECK ("live_recordings"."status" in ('recording', 'ready', 'failed')),
	CONSTRAINT "live_recordings_key_ck" CHECK ("live_recordings"."storage_key" !~ '(^/|\.\.)')
);
--> statement-breakpoint
CREATE TABLE "live_session_verdicts" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"outcomes" jsonb NOT NULL,
	"rules" jsonb NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"end_cause" text NOT NULL,
	"ended_by" uuid,
	"evaluated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_session_verdicts_status_ck" CHECK ("live_session_verdicts"."status" in ('delivered', 'missed'))
);
--> statement-breakpoint
ALTER TABLE "live_evidence_intervals" ADD CONSTRAINT "live_evidence_intervals_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_evidence_intervals" ADD CONSTRAINT "live_evidence_intervals_recorder_id_live_recorders_id_fk" FOREIGN KEY ("recorder_id") REFERENCES "public"."live_recorders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_evidence_intervals" ADD CONSTRAINT "live_evidence_intervals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_evidence_intervals" ADD CONSTRAINT "live_evidence_intervals_from_account_id_accounts_id_fk" FOREIGN KEY ("from_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_recordings" ADD CONSTRAINT "live_recordings_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_recordings" ADD CONSTRAINT "live_recordings_started_by_accounts_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_session_verdicts" ADD CONSTRAINT "live_session_verdicts_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_session_verdicts" ADD CONSTRAINT "live_session_verdicts_ended_by_accounts_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "live_evidence_session_idx" ON "live_evidence_intervals" USING btree ("session_id","kind");--> statement-breakpoint
CREATE INDEX "live_evidence_open_idx" ON "live_evidence_intervals" USING btree ("recorder_id") WHERE "live_evidence_intervals"."ended_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "live_evidence_one_open_uq" ON "live_evidence_intervals" USING btree ("kind","media_id") WHERE "live_evidence_intervals"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "live_recordings_session_idx" ON "live_recordings" USING btree ("session_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "live_recordings_one_active_uq" ON "live_recordings" USING btree ("session_id") WHERE "live_recordings"."status" = 'recording';