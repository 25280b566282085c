CREATE TABLE "calendar_feeds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "calendar_feeds_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "live_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"topic" text DEFAULT '' NOT NULL,
	"subject_code" text,
	"mode" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"time_zone" text DEFAULT 'Asia/Shanghai' NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"status_reason" text,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"series_id" uuid,
	"calendar_override" boolean DEFAULT false NOT NULL,
	"override_by" uuid,
	"override_reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_sessions_kind_ck" CHECK ("live_sessions"."kind" in ('sync_lesson', 'online_research')),
	CONSTRAINT "live_sessions_status_ck" CHECK ("live_sessions"."status" in ('scheduled', 'live', 'delivered', 'missed', 'cancelled')),
	CONSTRAINT "live_sessions_mode_ck" CHECK (("live_sessions"."kind" = 'sync_lesson') = ("live_sessions"."mode" is not null) and ("live_sessions"."mode" is null or "live_sessions"."mode" in ('interactive', 'dedicated', 'master'))),
	CONSTRAINT "live_sessions_lesson_subject_ck" CHECK ("live_sessions"."kind" <> 'sync_lesson' or "live_sessions"."subject_code" is not null),
	CONSTRAINT "live_sessions_times_ck" CHECK ("live_sessions"."ends_at" > "live_sessions"."starts_at" and "live_sessions"."ends_at" - "live_sessions"."starts_at" <= interval '12 hours'),
	CONSTRAINT "live_sessions_cancel_reason_ck" CHECK ("live_sessions"."status" <> 'cancelled' or coalesce(btrim("live_sessions"."status_reason"), '') <> ''),
	CONSTRAINT "live_sessions_override_ck" CHECK ("live_sessions"."calendar_override" = ("live_sessions"."override_by" is not null and "live_sessions"."override_reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "offline_research" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"title" text NOT NULL,
	"held_on" date NOT NULL,
	"place" text NOT NULL,
	"host_school_id" uuid NOT NULL,
	"minutes" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'planned' NOT NULL,
	"confirmed_by" uuid,
	"confirmed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "offline_research_status_ck" CHECK ("offline_research"."status" in ('planned', 'confirmed', 'cancelled')),
	CONSTRAINT "offline_research_confirmed_ck" CHECK (("offline_research"."status" = 'confirmed') = ("offline_research"."confirmed_by" is not null and "offline_research"."confirmed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "offline_research_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"research_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"uploaded_by" uuid,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "offline_research_attachments_storage_key_unique" UNIQUE("storage_key"),
	CONSTRAINT "offline_research_attachments_size_ck" CHECK ("offline_research_attachments"."size_bytes" > 0)
);
--> statement-breakpoint
CREATE TABLE "offline_research_schools" (
	"research_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	CONSTRAINT "offline_research_schools_research_id_school_id_pk" PRIMARY KEY("research_id","school_id")
);
--> statement-breakpoint
CREATE TABLE "offline_research_teachers" (
	"research_id" uuid NOT NULL,
	"teacher_id" uuid NOT NULL,
	CONSTRAINT "offline_research_teachers_research_id_teacher_id_pk" PRIMARY KEY("research_id","teacher_id")
);
--> statement-breakpoint
CREATE TABLE "reminders_sent" (
	"session_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminders_sent_session_id_kind_starts_at_pk" PRIMARY KEY("session_id","kind","starts_at")
);
--> statement-breakpoint
CREATE TABLE "schedule_series" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"interval_weeks" integer DEFAULT 1 NOT NULL,
	"until_on" date,
	"occurrence_count" integer,
	"time_zone" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedule_series_end_ck" CHECK ("schedule_series"."until_on" is not null or "schedule_series"."occurrence_count" is not null),
	CONSTRAINT "schedule_series_interval_ck" CHECK ("schedule_series"."interval_weeks" between 1 and 4),
	CONSTRAINT "schedule_series_count_ck" CHECK ("schedule_series"."occurrence_count" is null or "schedule_series"."occurrence_count" between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "session_bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"resource_kind" text NOT NULL,
	"resource_id" uuid NOT NULL,
	"during" "tstzrange" NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "session_bookings_resource_uq" UNIQUE("session_id","resource_kind","resource_id"),
	CONSTRAINT "session_bookings_kind_ck" CHECK ("session_bookings"."resource_kind" in ('teacher', 'classroom'))
);
--> statement-breakpoint
CREATE TABLE "session_classrooms" (
	"session_id" uuid NOT NULL,
	"classroom_id" uuid NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "session_classrooms_session_id_classroom_id_pk" PRIMARY KEY("session_id","classroom_id"),
	CONSTRAINT "session_classrooms_role_ck" CHECK ("session_classrooms"."role" in ('host', 'member'))
);
--> statement-breakpoint
CREATE TABLE "session_status_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"reason" text,
	"actor_account_id" uuid,
	"system_source" text,
	"at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	CONSTRAINT "session_status_history_who_ck" CHECK ("session_status_history"."actor_account_id" is not null or "session_status_history"."system_source" is not null)
);
--> statement-breakpoint
CREATE TABLE "session_teachers" (
	"session_id" uuid NOT NULL,
	"teacher_id" uuid NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "session_teachers_session_id_teacher_id_pk" PRIMARY KEY("session_id","teacher_id"),
	CONSTRAINT "session_teachers_role_ck" CHECK ("session_teachers"."role" in ('host', 'invited'))
);
--> statement-breakpoint
CREATE TABLE "teacher_dispatches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"teacher_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"hours_per_week" numeric(4, 1),
	"note" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teacher_dispatches_dates_ck" CHECK ("teacher_dispatches"."ends_on" >= "teacher_dispatches"."starts_on"),
	CONSTRAINT "teacher_dispatches_hours_ck" CHECK ("teacher_dispatches"."hours_per_week" is null or ("teacher_dispatches"."hours_per_week" > 0 and "teacher_dispatches"."hours_per_week" <= 40))
);
--> statement-breakpoint
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_subject_code_subjects_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."subjects"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_series_id_schedule_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."schedule_series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_override_by_accounts_id_fk" FOREIGN KEY ("override_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_research" ADD CONSTRAINT "offline_research_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_research" ADD CONSTRAINT "offline_research_host_school_id_schools_id_fk" FOREIGN KEY ("host_school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_research" ADD CONSTRAINT "offline_research_confirmed_by_accounts_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_research" ADD CONSTRAINT "offline_research_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_research_attachments" ADD CONSTRAINT "offline_research_attachments_research_id_offline_research_id_fk" FOREIGN KEY ("research_id") REFERENCES "public"."offline_research"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_research_attachments" ADD CONSTRAINT "offline_research_attachments_uploaded_by_accounts_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_research_schools" ADD CONSTRAINT "offline_research_schools_research_id_offline_research_id_fk" FOREIGN KEY ("research_id") REFERENCES "public"."offline_research"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_research_schools" ADD CONSTRAINT "offline_research_schools_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_research_teachers" ADD CONSTRAINT "offline_research_teachers_research_id_offline_research_id_fk" FOREIGN KEY ("research_id") REFERENCES "public"."offline_research"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_research_teachers" ADD CONSTRAINT "offline_research_teachers_teacher_id_teachers_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."teachers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders_sent" ADD CONSTRAINT "reminders_sent_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_series" ADD CONSTRAINT "schedule_series_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_series" ADD CONSTRAINT "schedule_series_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_bookings" ADD CONSTRAINT "session_bookings_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_classrooms" ADD CONSTRAINT "session_classrooms_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_classrooms" ADD CONSTRAINT "session_classrooms_classroom_id_classrooms_id_fk" FOREIGN KEY ("classroom_id") REFERENCES "public"."classrooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_status_history" ADD CONSTRAINT "session_status_history_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_status_history" ADD CONSTRAINT "session_status_history_actor_account_id_accounts_id_fk" FOREIGN KEY ("actor_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_teachers" ADD CONSTRAINT "session_teachers_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_teachers" ADD CONSTRAINT "session_teachers_teacher_id_teachers_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."teachers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teacher_dispatches" ADD CONSTRAINT "teacher_dispatches_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teacher_dispatches" ADD CONSTRAINT "teacher_dispatches_teacher_id_teachers_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."teachers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teacher_dispatches" ADD CONSTRAINT "teacher_dispatches_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teacher_dispatches" ADD CONSTRAINT "teacher_dispatches_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_feeds_one_active_uq" ON "calendar_feeds" USING btree ("account_id") WHERE "calendar_feeds"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "live_sessions_community_starts_idx" ON "live_sessions" USING btree ("community_id","starts_at");--> statement-breakpoint
CREATE INDEX "live_sessions_starts_idx" ON "live_sessions" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "live_sessions_series_idx" ON "live_sessions" USING btree ("series_id");--> statement-breakpoint
CREATE INDEX "offline_research_community_idx" ON "offline_research" USING btree ("community_id","held_on");--> statement-breakpoint
CREATE INDEX "offline_research_attachments_research_idx" ON "offline_research_attachments" USING btree ("research_id");--> statement-breakpoint
CREATE INDEX "session_classrooms_classroom_idx" ON "session_classrooms" USING btree ("classroom_id");--> statement-breakpoint
CREATE UNIQUE INDEX "session_classrooms_one_host_uq" ON "session_classrooms" USING btree ("session_id") WHERE "session_classrooms"."role" = 'host';--> statement-breakpoint
CREATE INDEX "session_status_history_session_idx" ON "session_status_history" USING btree ("session_id","at");--> statement-breakpoint
CREATE INDEX "session_teachers_teacher_idx" ON "session_teachers" USING btree ("teacher_id");--> statement-breakpoint
CREATE UNIQUE INDEX "session_teachers_one_host_uq" ON "session_teachers" USING btree ("session_id") WHERE "session_teachers"."role" = 'host';--> statement-breakpoint
CREATE INDEX "teacher_dispatches_community_idx" ON "teacher_dispatches" USING btree ("community_id","starts_on");