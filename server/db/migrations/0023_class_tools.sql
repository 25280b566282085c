-- Class tools of live sessions (server/live/tools, rules T-QUIZ-*, T-CHAT-*, T-TIMER-* in its README):
-- quiz questions and each classroom's answer, chat messages (deleted ones keep their row), and the
-- timeline of tool events kept with the session for replay. Runs on PostgreSQL 15 and PGlite.
CREATE TABLE "live_chat_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"author_name" text NOT NULL,
	"author_role" text NOT NULL,
	"text" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	"deleted_by" uuid,
	CONSTRAINT "live_chat_messages_role_ck" CHECK ("live_chat_messages"."author_role" in ('host', 'teacher', 'classroom')),
	CONSTRAINT "live_chat_messages_text_ck" CHECK (length("live_chat_messages"."text") between 1 and 500),
	CONSTRAINT "live_chat_messages_deleted_ck" CHECK (("live_chat_messages"."deleted_at" is null) = ("live_chat_messages"."deleted_by" is null) and ("live_chat_messages"."deleted_at" is null or "live_chat_messages"."deleted_at" >= "live_chat_messages"."sent_at"))
);
--> statement-breakpoint
CREATE TABLE "live_quiz_answers" (
	"question_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"classroom_id" uuid NOT NULL,
	"classroom_name" text NOT NULL,
	"account_id" uuid NOT NULL,
	"choice" jsonb NOT NULL,
	"answered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "live_quiz_answers_question_id_classroom_id_pk" PRIMARY KEY("question_id","classroom_id")
);
--> statement-breakpoint
CREATE TABLE "live_quiz_questions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"asked_by" uuid NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"options" jsonb NOT NULL,
	"correct" jsonb NOT NULL,
	"limit_seconds" integer NOT NULL,
	"asked_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"revealed_at" timestamp with time zone,
	CONSTRAINT "live_quiz_questions_kind_ck" CHECK ("live_quiz_questions"."kind" in ('single', 'multiple', 'true_false')),
	CONSTRAINT "live_quiz_questions_limit_ck" CHECK ("live_quiz_questions"."limit_seconds" between 5 and 600 and "live_quiz_questions"."closes_at" = "live_quiz_questions"."asked_at" + make_interval(secs => "live_quiz_questions"."limit_seconds")),
	CONSTRAINT "live_quiz_questions_text_ck" CHECK (length("live_quiz_questions"."text") between 1 and 300)
);
--> statement-breakpoint
CREATE TABLE "live_tool_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"tool" text NOT NULL,
	"action" text NOT NULL,
	"account_id" uuid,
	"detail" jsonb NOT NULL,
	CONSTRAINT "live_tool_events_tool_ck" CHECK ("live_tool_events"."tool" in ('quiz', 'chat', 'timer'))
);
--> statement-breakpoint
ALTER TABLE "live_chat_messages" ADD CONSTRAINT "live_chat_messages_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_chat_messages" ADD CONSTRAINT "live_chat_messages_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_chat_messages" ADD CONSTRAINT "live_chat_messages_deleted_by_accounts_id_fk" FOREIGN KEY ("deleted_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_quiz_answers" ADD CONSTRAINT "live_quiz_answers_question_id_live_quiz_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."live_quiz_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_quiz_answers" ADD CONSTRAINT "live_quiz_answers_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_quiz_answers" ADD CONSTRAINT "live_quiz_answers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_quiz_questions" ADD CONSTRAINT "live_quiz_questions_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_quiz_questions" ADD CONSTRAINT "live_quiz_questions_asked_by_accounts_id_fk" FOREIGN KEY ("asked_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_tool_events" ADD CONSTRAINT "live_tool_events_session_id_live_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."live_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_tool_events" ADD CONSTRAINT "live_tool_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "live_chat_messages_session_idx" ON "live_chat_messages" USING btree ("session_id","sent_at");--> statement-breakpoint
CREATE INDEX "live_quiz_answers_session_idx" ON "live_quiz_answers" USING btree ("session_id","classroom_id");--> statement-breakpoint
CREATE INDEX "live_quiz_questions_session_idx" ON "live_quiz_questions" USING btree ("session_id","asked_at");--> statement-breakpoint
CREATE INDEX "live_tool_events_session_idx" ON "live_tool_events" USING btree ("session_id","at");--> statement-breakpoint
-- T-QUIZ-LIMIT, T-QUIZ-ONCE: an answer belongs to its question's session and comes before the
-- question closed and before it was revealed (one per classroom: the primary key).
CREATE FUNCTION live_quiz_answer_in_time() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE q live_quiz_questions%ROWTYPE;
BEGIN
  SELECT * INTO q FROM live_quiz_questions WHERE id = NEW.question_id;
  IF q.session_id <> NEW.session_id THEN
    RAISE EXCEPTION 'an answer belongs to its question''s session' USING ERRCODE = 'check_violation', CONSTRAINT = 'live_quiz_answers_session';
  END IF;
  IF NEW.answered_at >= q.closes_at OR (q.revealed_at IS NOT NULL AND NEW.answered_at >= q.revealed_at) THEN
    RAISE EXCEPTION 'the question closed at %', q.closes_at USING ERRCODE = 'check_violation', CONSTRAINT = 'live_quiz_answers_in_time';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER live_quiz_answers_in_time BEFORE INSERT ON live_quiz_answers FOR EACH ROW EXECUTE FUNCTION live_quiz_answer_in_time();
--> statement-breakpoint
CREATE TRIGGER live_quiz_answers_append_only BEFORE UPDATE OR DELETE ON live_quiz_answers FOR EACH ROW EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
CREATE TRIGGER live_tool_events_append_only BEFORE UPDATE OR DELETE ON live_tool_events FOR EACH ROW EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
-- A question changes only to be revealed, once; a chat message only to be deleted, once; neither is removed.
CREATE FUNCTION live_tool_rows_settle_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '% rows are kept with the session: they may not be deleted', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
  END IF;
  IF TG_TABLE_NAME = 'live_quiz_questions' THEN
    IF OLD.revealed_at IS NOT NULL OR (to_jsonb(NEW) - 'revealed_at') <> (to_jsonb(OLD) - 'revealed_at') THEN
      RAISE EXCEPTION 'a quiz question changes only to be revealed, once' USING ERRCODE = 'restrict_violation';
    END IF;
  ELSIF OLD.deleted_at IS NOT NULL OR (to_jsonb(NEW) - 'deleted_at' - 'deleted_by') <> (to_jsonb(OLD) - 'deleted_at' - 'deleted_by') THEN
    RAISE EXCEPTION 'a chat message changes only to be deleted, once' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER live_quiz_questions_settle_once BEFORE UPDATE OR DELETE ON live_quiz_questions FOR EACH ROW EXECUTE FUNCTION live_tool_rows_settle_once();
--> statement-breakpoint
CREATE TRIGGER live_chat_messages_settle_once BEFORE UPDATE OR DELETE ON live_chat_messages FOR EACH ROW EXECUTE FUNCTION live_tool_rows_settle_once();
--> statement-breakpoint
CREATE TRIGGER live_tool_rows_no_truncate BEFORE TRUNCATE ON live_quiz_questions FOR EACH STATEMENT EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
CREATE TRIGGER live_quiz_answers_no_truncate BEFORE TRUNCATE ON live_quiz_answers FOR EACH STATEMENT EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
CREATE TRIGGER live_chat_messages_no_truncate BEFORE TRUNCATE ON live_chat_messages FOR EACH STATEMENT EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
CREATE TRIGGER live_tool_events_no_truncate BEFORE TRUNCATE ON live_tool_events FOR EACH STATEMENT EXECUTE FUNCTION live_refuse_change();
