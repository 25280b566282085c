CREATE TABLE "quota_correction_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"correction_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"uploaded_by" uuid,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quota_correction_attachments_storage_key_unique" UNIQUE("storage_key"),
	CONSTRAINT "quota_correction_attachments_size_ck" CHECK ("quota_correction_attachments"."size_bytes" > 0)
);
--> statement-breakpoint
CREATE TABLE "quota_correction_schools" (
	"correction_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	CONSTRAINT "quota_correction_schools_correction_id_school_id_pk" PRIMARY KEY("correction_id","school_id")
);
--> statement-breakpoint
CREATE TABLE "quota_corrections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"held_on" date NOT NULL,
	"subject_code" text,
	"mode" text,
	"reason" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quota_corrections_kind_ck" CHECK ("quota_corrections"."kind" in ('sync_lesson', 'online_research', 'offline_research')),
	CONSTRAINT "quota_corrections_reason_ck" CHECK (length(btrim("quota_corrections"."reason")) >= 4),
	CONSTRAINT "quota_corrections_lesson_ck" CHECK (("quota_corrections"."kind" = 'sync_lesson') = ("quota_corrections"."subject_code" is not null and "quota_corrections"."mode" is not null)),
	CONSTRAINT "quota_corrections_mode_ck" CHECK ("quota_corrections"."mode" is null or "quota_corrections"."mode" in ('interactive', 'dedicated', 'master'))
);
--> statement-breakpoint
CREATE TABLE "quota_lesson_attendance" (
	"session_id" uuid NOT NULL,
	"classroom_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	"intervals" integer NOT NULL,
	CONSTRAINT "quota_lesson_attendance_session_id_classroom_id_pk" PRIMARY KEY("session_id","classroom_id")
);
--> statement-breakpoint
CREATE TABLE "quota_progress" (
	"community_id" uuid NOT NULL,
	"academic_year" text NOT NULL,
	"rule_set_id" uuid,
	"status" text NOT NULL,
	"progress" jsonb NOT NULL,
	"digest" text NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "quota_progress_community_id_academic_year_pk" PRIMARY KEY("community_id","academic_year")
);
--> statement-breakpoint
CREATE TABLE "quota_rule_sets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region" text NOT NULL,
	"academic_year" text NOT NULL,
	"version" integer NOT NULL,
	"rules" jsonb NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quota_rule_sets_version_uq" UNIQUE("region","academic_year","version"),
	CONSTRAINT "quota_rule_sets_region_ck" CHECK ("quota_rule_sets"."region" = 'default' or "quota_rule_sets"."region" ~ '^(county|city|province):.+$'),
	CONSTRAINT "quota_rule_sets_version_ck" CHECK ("quota_rule_sets"."version" >= 1),
	CONSTRAINT "quota_rule_sets_rules_ck" CHECK (jsonb_typeof("quota_rule_sets"."rules") = 'array')
);
--> statement-breakpoint
CREATE TABLE "quota_snapshots" (
	"closure_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	"rule_set_id" uuid,
	"rule_set_version" integer,
	"status" text NOT NULL,
	"progress" jsonb NOT NULL,
	"items" jsonb NOT NULL,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quota_snapshots_closure_id_community_id_pk" PRIMARY KEY("closure_id","community_id")
);
--> statement-breakpoint
CREATE TABLE "quota_year_closures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"county_id" uuid NOT NULL,
	"academic_year" text NOT NULL,
	"closed_by" uuid,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"reopened_by" uuid,
	"reopened_at" timestamp with time zone,
	"reopen_reason" text,
	CONSTRAINT "quota_year_closures_reopen_ck" CHECK (("quota_year_closures"."reopened_at" is null) = ("quota_year_closures"."reopen_reason" is null) and ("quota_year_closures"."reopen_reason" is null or length(btrim("quota_year_closures"."reopen_reason")) > 0))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"actor_account_id" uuid,
	"actor_source" text NOT NULL,
	"table_name" text NOT NULL,
	"op" text NOT NULL,
	"row_id" text NOT NULL,
	"community_id" uuid,
	"county_id" uuid,
	"before" jsonb,
	"after" jsonb,
	"txid" text DEFAULT pg_current_xact_id()::text NOT NULL,
	CONSTRAINT "audit_log_op_ck" CHECK ("audit_log"."op" in ('insert', 'update', 'delete'))
);
--> statement-breakpoint
ALTER TABLE "quota_correction_attachments" ADD CONSTRAINT "quota_correction_attachments_correction_id_quota_corrections_id_fk" FOREIGN KEY ("correction_id") REFERENCES "public"."quota_corrections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_correction_attachments" ADD CONSTRAINT "quota_correction_attachments_uploaded_by_accounts_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_correction_schools" ADD CONSTRAINT "quota_correction_schools_correction_id_quota_corrections_id_fk" FOREIGN KEY ("correction_id") REFERENCES "public"."quota_corrections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_correction_schools" ADD CONSTRAINT "quota_correction_schools_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_corrections" ADD CONSTRAINT "quota_corrections_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_corrections" ADD CONSTRAINT "quota_corrections_subject_code_subjects_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."subjects"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_corrections" ADD CONSTRAINT "quota_corrections_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_lesson_attendance" ADD CONSTRAINT "quota_lesson_attendance_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_lesson_attendance" ADD CONSTRAINT "quota_lesson_attendance_classroom_id_classrooms_id_fk" FOREIGN KEY ("classroom_id") REFERENCES "public"."classrooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_lesson_attendance" ADD CONSTRAINT "quota_lesson_attendance_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_progress" ADD CONSTRAINT "quota_progress_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_progress" ADD CONSTRAINT "quota_progress_rule_set_id_quota_rule_sets_id_fk" FOREIGN KEY ("rule_set_id") REFERENCES "public"."quota_rule_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_rule_sets" ADD CONSTRAINT "quota_rule_sets_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_snapshots" ADD CONSTRAINT "quota_snapshots_closure_id_quota_year_closures_id_fk" FOREIGN KEY ("closure_id") REFERENCES "public"."quota_year_closures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_snapshots" ADD CONSTRAINT "quota_snapshots_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_snapshots" ADD CONSTRAINT "quota_snapshots_rule_set_id_quota_rule_sets_id_fk" FOREIGN KEY ("rule_set_id") REFERENCES "public"."quota_rule_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_year_closures" ADD CONSTRAINT "quota_year_closures_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_year_closures" ADD CONSTRAINT "quota_year_closures_closed_by_accounts_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_year_closures" ADD CONSTRAINT "quota_year_closures_reopened_by_accounts_id_fk" FOREIGN KEY ("reopened_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "quota_correction_attachments_correction_idx" ON "quota_correction_attachments" USING btree ("correction_id");--> statement-breakpoint
CREATE INDEX "quota_corrections_community_idx" ON "quota_corrections" USING btree ("community_id","held_on");--> statement-breakpoint
CREATE INDEX "quota_lesson_attendance_school_idx" ON "quota_lesson_attendance" USING btree ("school_id");--> statement-breakpoint
CREATE INDEX "quota_progress_year_idx" ON "quota_progress" USING btree ("academic_year","status");--> statement-breakpoint
CREATE UNIQUE INDEX "quota_year_closures_open_uq" ON "quota_year_closures" USING btree ("county_id","academic_year") WHERE "quota_year_closures"."reopened_at" is null;--> statement-breakpoint
CREATE INDEX "audit_log_community_idx" ON "audit_log" USING btree ("community_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_county_idx" ON "audit_log" USING btree ("county_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_table_idx" ON "audit_log" USING btree ("table_name","at");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_row_idx" ON "audit_log" USING btree ("row_id");