-- Oversight and honest counting (issue #6). Runs on PostgreSQL 15 and PGlite (18).
--
-- Activity intervals (speaking, stage, hands) follow the evidence rule of
-- 0007_live_constraints: inserted open, closed exactly once (ended_at,
-- end_reason and nothing else), never changed afterwards, never deleted.
CREATE TRIGGER live_activity_intervals_append_only
  BEFORE UPDATE OR DELETE ON live_activity_intervals
  FOR EACH ROW EXECUTE FUNCTION live_evidence_intervals_append_only();
--> statement-breakpoint
CREATE TRIGGER live_activity_intervals_no_truncate
  BEFORE TRUNCATE ON live_activity_intervals
  FOR EACH STATEMENT EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
-- A patrol (巡课: role observer — coordinators and auditors) is never attendance: from now on
-- no evidence interval is written for one. (Rows of observers written before this migration
-- stay as they were; the verdicts never counted them.)
CREATE FUNCTION live_evidence_refuse_patrol() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'live evidence: patrols (observers) leave no evidence intervals' USING ERRCODE = 'check_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER live_evidence_intervals_no_patrol
  BEFORE INSERT ON live_evidence_intervals
  FOR EACH ROW WHEN (NEW.role = 'observer') EXECUTE FUNCTION live_evidence_refuse_patrol();
--> statement-breakpoint
-- The participation rules, in force from the 2025-2026 academic year like the evidence rules.
-- A share is of the scheduled duration, counted within [start - margin, end + margin].
INSERT INTO live_evidence_rules (rule_id, effective_from, min_share, min_count, margin_minutes, min_seconds, description) VALUES
  ('P-LESSON-TEACHER-AV', '2025-09-01', 0.600, 1, 10, 0, 'The teaching teacher published camera and microphone at the same time for at least this share of the scheduled time.'),
  ('P-LESSON-CLASSROOM-PRESENT', '2025-09-01', 0.600, 1, 10, 300, 'At least min_count member classrooms each received the teacher''s picture and sound for at least this share of the scheduled time and were seen or heard (camera on, or speaking) for at least min_seconds (waived in master-teacher lessons, where classrooms only receive).'),
  ('P-RESEARCH-SCHOOLS-SPOKE', '2025-09-01', 0.000, 2, 10, 120, 'Teachers of at least min_count different schools spoke, each school through a teacher who spoke for at least min_seconds in total.');
