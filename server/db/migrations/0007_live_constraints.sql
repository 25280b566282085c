-- Live classrooms (issue #4): the append-only rules of the evidence, and the
-- first version of the evidence rules. Runs on PostgreSQL 15 and PGlite (18).
--
-- The evidence rule: an interval is inserted open (ended_at null) and closed
-- exactly once, by an UPDATE that sets ended_at and end_reason and nothing else.
-- A closed interval never changes; no interval is ever deleted or truncated.
CREATE FUNCTION live_evidence_intervals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'live evidence is append-only: interval % may not be deleted', OLD.id USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.ended_at IS NOT NULL THEN
    RAISE EXCEPTION 'live evidence is append-only: interval % is closed and may not change', OLD.id USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.ended_at IS NULL
     OR (to_jsonb(NEW) - 'ended_at' - 'end_reason') IS DISTINCT FROM (to_jsonb(OLD) - 'ended_at' - 'end_reason') THEN
    RAISE EXCEPTION 'live evidence is append-only: an open interval (%) may only be closed (ended_at, end_reason)', OLD.id USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER live_evidence_intervals_append_only
  BEFORE UPDATE OR DELETE ON live_evidence_intervals
  FOR EACH ROW EXECUTE FUNCTION live_evidence_intervals_append_only();
--> statement-breakpoint
-- Verdicts and rule versions are written once; a new rule version is a new row.
CREATE FUNCTION live_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: rows may not be %d', TG_TABLE_NAME, lower(TG_OP) USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER live_session_verdicts_append_only
  BEFORE UPDATE OR DELETE ON live_session_verdicts
  FOR EACH ROW EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
CREATE TRIGGER live_evidence_rules_append_only
  BEFORE UPDATE OR DELETE ON live_evidence_rules
  FOR EACH ROW EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
CREATE TRIGGER live_evidence_intervals_no_truncate
  BEFORE TRUNCATE ON live_evidence_intervals
  FOR EACH STATEMENT EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
CREATE TRIGGER live_session_verdicts_no_truncate
  BEFORE TRUNCATE ON live_session_verdicts
  FOR EACH STATEMENT EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
-- Thresholds in force from the 2025-2026 academic year (the first one the platform knows).
-- A share is of the scheduled duration, counted within [start - margin, end + margin].
INSERT INTO live_evidence_rules (rule_id, effective_from, min_share, min_count, margin_minutes, description) VALUES
  ('E-TEACHER-PUBLISHED', '2025-09-01', 0.600, 1, 10, 'The teaching teacher sent picture (camera or screen) and sound (microphone) at the same time for at least this share of the scheduled time.'),
  ('E-CLASSROOM-RECEIVED', '2025-09-01', 0.600, 1, 10, 'At least min_count member classrooms each received the teacher''s picture and sound for at least this share of the scheduled time.'),
  ('E-RESEARCH-PUBLISHED', '2025-09-01', 0.600, 1, 10, 'In a research session, somebody was sending (camera, microphone or screen) for at least this share of the scheduled time.'),
  ('E-RESEARCH-PARTICIPANTS', '2025-09-01', 0.600, 2, 10, 'At least min_count teachers of the research session were each connected and receiving for at least this share of the scheduled time.');
