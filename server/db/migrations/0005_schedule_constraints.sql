-- Scheduling (issue #3): what must never be false, enforced by the database whoever writes.
-- Runs on PostgreSQL 15 and PGlite (PostgreSQL 18); btree_gist comes from migration 0000.

-- No teacher and no classroom is in two (not cancelled) sessions at once. The selective
-- column leads: GiST splits its pages on the first column, and resource_kind has two values.
ALTER TABLE "session_bookings" ADD CONSTRAINT "session_bookings_no_overlap"
  EXCLUDE USING gist ("resource_id" WITH =, "resource_kind" WITH =, "during" WITH &&) WHERE ("active");
--> statement-breakpoint
CREATE INDEX "session_bookings_session_idx" ON "session_bookings" ("session_id");
--> statement-breakpoint
-- A backbone teacher is dispatched to one member school at a time (dates inclusive).
ALTER TABLE "teacher_dispatches" ADD CONSTRAINT "teacher_dispatches_no_overlap"
  EXCLUDE USING gist ("teacher_id" WITH =, daterange("starts_on", "ends_on", '[]') WITH &&);
--> statement-breakpoint
-- Bookings follow the participants: a teacher or classroom added to a session books its time.
-- Statement-level triggers with transition tables: one INSERT … SELECT per statement, not per row.
-- LATERAL keeps the lookup of each row's session an index probe (a join against the transition
-- table, which has no statistics, may be planned as a scan of all of live_sessions).
CREATE OR REPLACE FUNCTION "session_teachers_unbook"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  -- One keyed delete per row: an index probe each, whatever the planner thinks of old_rows.
  FOR r IN SELECT session_id, teacher_id AS resource_id FROM old_rows LOOP
    DELETE FROM session_bookings WHERE session_id = r.session_id AND resource_kind = 'teacher' AND resource_id = r.resource_id;
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "session_teachers_book"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO session_bookings (session_id, resource_kind, resource_id, during, active)
  SELECT s.id, 'teacher', n.teacher_id, tstzrange(s.starts_at, s.ends_at, '[)'), s.status <> 'cancelled'
    FROM new_rows n CROSS JOIN LATERAL (SELECT * FROM live_sessions x WHERE x.id = n.session_id) s;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "session_teachers_book_insert" AFTER INSERT ON "session_teachers"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "session_teachers_book"();
--> statement-breakpoint
CREATE TRIGGER "session_teachers_book_update_1_unbook" AFTER UPDATE ON "session_teachers"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "session_teachers_unbook"();
--> statement-breakpoint
CREATE TRIGGER "session_teachers_book_update_2_book" AFTER UPDATE ON "session_teachers"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "session_teachers_book"();
--> statement-breakpoint
CREATE TRIGGER "session_teachers_book_delete" AFTER DELETE ON "session_teachers"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "session_teachers_unbook"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "session_classrooms_unbook"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  -- One keyed delete per row: an index probe each, whatever the planner thinks of old_rows.
  FOR r IN SELECT session_id, classroom_id AS resource_id FROM old_rows LOOP
    DELETE FROM session_bookings WHERE session_id = r.session_id AND resource_kind = 'classroom' AND resource_id = r.resource_id;
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "session_classrooms_book"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO session_bookings (session_id, resource_kind, resource_id, during, active)
  SELECT s.id, 'classroom', n.classroom_id, tstzrange(s.starts_at, s.ends_at, '[)'), s.status <> 'cancelled'
    FROM new_rows n CROSS JOIN LATERAL (SELECT * FROM live_sessions x WHERE x.id = n.session_id) s;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "session_classrooms_book_insert" AFTER INSERT ON "session_classrooms"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "session_classrooms_book"();
--> statement-breakpoint
CREATE TRIGGER "session_classrooms_book_update_1_unbook" AFTER UPDATE ON "session_classrooms"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "session_classrooms_unbook"();
--> statement-breakpoint
CREATE TRIGGER "session_classrooms_book_update_2_book" AFTER UPDATE ON "session_classrooms"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "session_classrooms_book"();
--> statement-breakpoint
CREATE TRIGGER "session_classrooms_book_delete" AFTER DELETE ON "session_classrooms"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "session_classrooms_unbook"();
--> statement-breakpoint
-- Moving a session moves its bookings; cancelling it frees them.
CREATE OR REPLACE FUNCTION "live_sessions_rebook"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE session_bookings
     SET during = tstzrange(NEW.starts_at, NEW.ends_at, '[)'), active = NEW.status <> 'cancelled'
   WHERE session_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "live_sessions_rebook" AFTER UPDATE OF "starts_at", "ends_at", "status" ON "live_sessions"
  FOR EACH ROW
  WHEN (OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.ends_at IS DISTINCT FROM NEW.ends_at OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION "live_sessions_rebook"();
--> statement-breakpoint
-- Only these status changes exist; the rest (e.g. un-cancelling, delivered → live) are refused.
CREATE OR REPLACE FUNCTION "live_sessions_status_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IS DISTINCT FROM NEW.status AND NOT (
       (OLD.status = 'scheduled' AND NEW.status IN ('live', 'cancelled', 'missed', 'delivered'))
    OR (OLD.status = 'live' AND NEW.status IN ('delivered', 'missed'))
  ) THEN
    RAISE EXCEPTION 'session status cannot change from % to %', OLD.status, NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'live_sessions_status_transition_ck';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "live_sessions_status_guard" BEFORE UPDATE OF "status" ON "live_sessions"
  FOR EACH ROW EXECUTE FUNCTION "live_sessions_status_guard"();
--> statement-breakpoint
-- The status history is append-only: what happened stays as it was recorded.
CREATE OR REPLACE FUNCTION "session_status_history_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'session_status_history is append-only'
    USING ERRCODE = 'check_violation', CONSTRAINT = 'session_status_history_append_only';
END $$;
--> statement-breakpoint
CREATE TRIGGER "session_status_history_append_only" BEFORE UPDATE OR DELETE ON "session_status_history"
  FOR EACH ROW EXECUTE FUNCTION "session_status_history_append_only"();
--> statement-breakpoint
-- Offline research counts only when confirmed with minutes or at least one attachment.
CREATE OR REPLACE FUNCTION "offline_research_confirm_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'confirmed' AND btrim(NEW.minutes) = ''
     AND NOT EXISTS (SELECT 1 FROM offline_research_attachments a WHERE a.research_id = NEW.id) THEN
    RAISE EXCEPTION 'offline research is confirmed only with minutes or an attachment'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'offline_research_evidence_ck';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "offline_research_confirm_guard" BEFORE INSERT OR UPDATE ON "offline_research"
  FOR EACH ROW EXECUTE FUNCTION "offline_research_confirm_guard"();
