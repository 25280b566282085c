CREATE TABLE "courseware" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_teacher_id" uuid NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"status" text DEFAULT 'converting' NOT NULL,
	"error" text,
	"page_count" integer,
	"storage_key" text NOT NULL,
	CONSTRAINT "courseware_storage_key_unique" UNIQUE("storage_key"),
	CONSTRAINT "courseware_status_ck" CHECK ("courseware"."status" in ('converting', 'ready', 'failed')),
	CONSTRAINT "courseware_key_ck" CHECK ("courseware"."storage_key" !~ '(^/|\.\.)')
);
--> statement-breakpoint
CREATE TABLE "courseware_pages" (
	"courseware_id" uuid NOT NULL,
	"page_no" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"storage_key" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	CONSTRAINT "courseware_pages_courseware_id_page_no_pk" PRIMARY KEY("courseware_id","page_no"),
	CONSTRAINT "courseware_pages_no_ck" CHECK ("courseware_pages"."page_no" >= 1)
);
--> statement-breakpoint
CREATE TABLE "live_board_events" (
	"session_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"account_id" uuid,
	"payload" jsonb NOT NULL,
	CONSTRAINT "live_board_events_session_id_seq_pk" PRIMARY KEY("session_id","seq"),
	CONSTRAINT "live_board_events_kind_ck" CHECK ("live_board_events"."kind" in ('page', 'stroke', 'erase', 'undo', 'clear', 'layout', 'stage_writing'))
);
--> statement-breakpoint
CREATE TABLE "live_session_courseware" (
	"session_id" uuid NOT NULL,
	"courseware_id" uuid NOT NULL,
	"attached_by" uuid NOT NULL,
	"attached_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_session_courseware_session_id_courseware_id_pk" PRIMARY KEY("session_id","courseware_id")
);
--> statement-breakpoint
ALTER TABLE "courseware" ADD CONSTRAINT "courseware_owner_teacher_id_teachers_id_fk" FOREIGN KEY ("owner_teacher_id") REFERENCES "public"."teachers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courseware" ADD CONSTRAINT "courseware_uploaded_by_accounts_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courseware_pages" ADD CONSTRAINT "courseware_pages_courseware_id_courseware_id_fk" FOREIGN KEY ("courseware_id") REFERENCES "public"."courseware"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_board_events" ADD CONSTRAINT "live_board_events_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_board_events" ADD CONSTRAINT "live_board_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_session_courseware" ADD CONSTRAINT "live_session_courseware_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_session_courseware" ADD CONSTRAINT "live_session_courseware_courseware_id_courseware_id_fk" FOREIGN KEY ("courseware_id") REFERENCES "public"."courseware"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_session_courseware" ADD CONSTRAINT "live_session_courseware_attached_by_accounts_id_fk" FOREIGN KEY ("attached_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "courseware_owner_idx" ON "courseware" USING btree ("owner_teacher_id","uploaded_at");--> statement-breakpoint
CREATE INDEX "live_session_courseware_cw_idx" ON "live_session_courseware" USING btree ("courseware_id");--> statement-breakpoint
-- The board timeline is append-only: a lesson replays as it was given.
CREATE OR REPLACE FUNCTION "live_board_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'live_board_events is append-only'
    USING ERRCODE = 'check_violation', CONSTRAINT = 'live_board_events_append_only';
END $$;
--> statement-breakpoint
CREATE TRIGGER "live_board_events_append_only" BEFORE UPDATE OR DELETE ON "live_board_events"
  FOR EACH ROW EXECUTE FUNCTION "live_board_events_append_only"();
