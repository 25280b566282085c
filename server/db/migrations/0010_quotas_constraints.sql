-- The quota tracker (issue #5): what must never be false about its own tables, the
-- attendance derived from evidence, the closed-year guard on every counted item, and the
-- notifications that keep dashboards current. Runs on PostgreSQL 15 and PGlite (18).

-- Rule sets, snapshots and derived attendance are written once.
CREATE FUNCTION quota_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: rows may not be %d', TG_TABLE_NAME, lower(TG_OP)
    USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_TABLE_NAME || '_append_only';
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_rule_sets_append_only BEFORE UPDATE OR DELETE ON quota_rule_sets FOR EACH ROW EXECUTE FUNCTION quota_refuse_change();
--> statement-breakpoint
CREATE TRIGGER quota_snapshots_append_only BEFORE UPDATE OR DELETE ON quota_snapshots FOR EACH ROW EXECUTE FUNCTION quota_refuse_change();
--> statement-breakpoint
CREATE TRIGGER quota_lesson_attendance_append_only BEFORE UPDATE OR DELETE ON quota_lesson_attendance FOR EACH ROW EXECUTE FUNCTION quota_refuse_change();
--> statement-breakpoint
-- A closure is never deleted; the one change it may have is its reopening (once).
CREATE FUNCTION quota_year_closures_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.reopened_at IS NOT NULL OR NEW.reopened_at IS NULL
     OR (to_jsonb(NEW) - 'reopened_at' - 'reopened_by' - 'reopen_reason') IS DISTINCT FROM (to_jsonb(OLD) - 'reopened_at' - 'reopened_by' - 'reopen_reason') THEN
    RAISE EXCEPTION 'a year closure may only be reopened, once' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'quota_year_closures_append_only';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_year_closures_guard BEFORE UPDATE OR DELETE ON quota_year_closures FOR EACH ROW EXECUTE FUNCTION quota_year_closures_guard();
--> statement-breakpoint
-- A correction counts only with an attachment: checked at commit, so the correction and
-- its first file are written in one transaction.
CREATE FUNCTION quota_corrections_need_attachment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cid uuid;
BEGIN
  IF TG_TABLE_NAME = 'quota_corrections' THEN
    cid := NEW.id;
  ELSE
    cid := OLD.correction_id;
  END IF;
  IF EXISTS (SELECT 1 FROM quota_corrections WHERE id = cid)
     AND NOT EXISTS (SELECT 1 FROM quota_correction_attachments WHERE correction_id = cid) THEN
    RAISE EXCEPTION 'a correction needs at least one attachment (image or PDF)'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'quota_corrections_attachment_ck';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER quota_corrections_need_attachment AFTER INSERT ON quota_corrections
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION quota_corrections_need_attachment();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER quota_correction_attachments_keep_one AFTER DELETE ON quota_correction_attachments
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION quota_corrections_need_attachment();
--> statement-breakpoint
-- Which member classrooms took part in a lesson, from its evidence, when its verdict is written:
-- a member classroom that received the host's media. Verdicts and closed intervals never change.
CREATE FUNCTION quota_attendance_from_verdict() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO quota_lesson_attendance (session_id, classroom_id, school_id, intervals)
  SELECT sc.session_id, sc.classroom_id, c.school_id, count(*)
    FROM session_classrooms sc
    JOIN live_sessions s ON s.id = sc.session_id AND s.kind = 'sync_lesson'
    JOIN classrooms c ON c.id = sc.classroom_id
    JOIN live_evidence_intervals i ON i.session_id = sc.session_id AND i.classroom_id = sc.classroom_id
                                  AND i.kind = 'receiving' AND i.from_role = 'host'
   WHERE sc.session_id = NEW.session_id AND sc.role = 'member'
   GROUP BY sc.session_id, sc.classroom_id, c.school_id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_attendance_from_verdict AFTER INSERT ON live_session_verdicts FOR EACH ROW EXECUTE FUNCTION quota_attendance_from_verdict();
--> statement-breakpoint
-- The academic year (label) closed for the county of a community that [from, to] touches, if any.
CREATE FUNCTION quota_closed_year(community uuid, from_day date, to_day date) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT y.label
    FROM quota_year_closures z
    JOIN communities c ON c.county_id = z.county_id
    JOIN academic_years y ON y.label = z.academic_year
   WHERE c.id = community AND z.reopened_at IS NULL
     AND y.starts_on <= to_day AND y.ends_on >= from_day
   LIMIT 1
$$;
--> statement-breakpoint
-- Where a row's community and dates are (argument): 'live_sessions', 'session' (a row with
-- session_id), 'offline_research', 'research' (research_id), 'quota_corrections',
-- 'correction' (correction_id), 'teacher_dispatches', 'community' (community_id only).
CREATE FUNCTION quota_item_scope(how text, r jsonb, OUT community uuid, OUT from_day date, OUT to_day date) LANGUAGE plpgsql STABLE AS $$
BEGIN
  CASE how
    WHEN 'live_sessions' THEN
      community := (r ->> 'community_id')::uuid;
      from_day := ((r ->> 'starts_at')::timestamptz AT TIME ZONE (r ->> 'time_zone'))::date;
      to_day := from_day;
    WHEN 'session' THEN
      SELECT s.community_id, (s.starts_at AT TIME ZONE s.time_zone)::date INTO community, from_day FROM live_sessions s WHERE s.id = (r ->> 'session_id')::uuid;
      to_day := from_day;
    WHEN 'offline_research' THEN
      community := (r ->> 'community_id')::uuid; from_day := (r ->> 'held_on')::date; to_day := from_day;
    WHEN 'research' THEN
      SELECT o.community_id, o.held_on INTO community, from_day FROM offline_research o WHERE o.id = (r ->> 'research_id')::uuid;
      to_day := from_day;
    WHEN 'quota_corrections' THEN
      community := (r ->> 'community_id')::uuid; from_day := (r ->> 'held_on')::date; to_day := from_day;
    WHEN 'correction' THEN
      SELECT q.community_id, q.held_on INTO community, from_day FROM quota_corrections q WHERE q.id = (r ->> 'correction_id')::uuid;
      to_day := from_day;
    WHEN 'community' THEN
      community := (r ->> 'community_id')::uuid;
    WHEN 'teacher_dispatches' THEN
      community := (r ->> 'community_id')::uuid; from_day := (r ->> 'starts_on')::date; to_day := (r ->> 'ends_on')::date;
  END CASE;
END $$;
--> statement-breakpoint
-- A closed year's counted items (and their evidence) no longer change, whoever writes.
CREATE FUNCTION quota_closed_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s record;
  closed text;
  r jsonb;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM quota_year_closures WHERE reopened_at IS NULL) THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  FOREACH r IN ARRAY ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END] LOOP
    CONTINUE WHEN r IS NULL;
    s := quota_item_scope(TG_ARGV[0], r);
    CONTINUE WHEN s.community IS NULL;
    closed := quota_closed_year(s.community, s.from_day, s.to_day);
    IF closed IS NOT NULL THEN
      RAISE EXCEPTION 'the academic year % is closed for this county: its counted items and their evidence no longer change (% of %)', closed, lower(TG_OP), TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', CONSTRAINT = 'quota_year_closed', DETAIL = closed;
    END IF;
  END LOOP;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON live_sessions FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('live_sessions');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON session_classrooms FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('session');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON session_teachers FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('session');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON live_evidence_intervals FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('session');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON live_session_verdicts FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('session');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON live_recordings FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('session');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON offline_research FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('offline_research');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON offline_research_schools FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('research');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON offline_research_teachers FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('research');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON offline_research_attachments FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('research');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON teacher_dispatches FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('teacher_dispatches');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON quota_corrections FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('quota_corrections');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON quota_correction_schools FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('correction');
--> statement-breakpoint
CREATE TRIGGER quota_closed_guard BEFORE INSERT OR UPDATE OR DELETE ON quota_correction_attachments FOR EACH ROW EXECUTE FUNCTION quota_closed_guard('correction');
--> statement-breakpoint
-- Live dashboards: a change that can move a community's progress NOTIFYs its id on
-- tongbu_quota (delivered on commit, once per transaction and community); '*' = every
-- community (rules, closures, the calendar). Evidence intervals do not notify: they count
-- through the verdict, which does.
CREATE FUNCTION quota_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r jsonb;
  community uuid;
BEGIN
  IF TG_ARGV[0] = '*' THEN
    PERFORM pg_notify('tongbu_quota', '*');
    RETURN NULL;
  END IF;
  FOREACH r IN ARRAY ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END] LOOP
    CONTINUE WHEN r IS NULL;
    community := (quota_item_scope(TG_ARGV[0], r)).community;
    IF community IS NOT NULL THEN
      PERFORM pg_notify('tongbu_quota', community::text);
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON live_sessions FOR EACH ROW EXECUTE FUNCTION quota_notify('live_sessions');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON session_classrooms FOR EACH ROW EXECUTE FUNCTION quota_notify('session');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT ON live_session_verdicts FOR EACH ROW EXECUTE FUNCTION quota_notify('session');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE ON live_recordings FOR EACH ROW EXECUTE FUNCTION quota_notify('session');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON offline_research FOR EACH ROW EXECUTE FUNCTION quota_notify('offline_research');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON offline_research_schools FOR EACH ROW EXECUTE FUNCTION quota_notify('research');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR DELETE ON offline_research_attachments FOR EACH ROW EXECUTE FUNCTION quota_notify('research');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON teacher_dispatches FOR EACH ROW EXECUTE FUNCTION quota_notify('teacher_dispatches');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON quota_corrections FOR EACH ROW EXECUTE FUNCTION quota_notify('quota_corrections');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR DELETE ON quota_correction_attachments FOR EACH ROW EXECUTE FUNCTION quota_notify('correction');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON community_memberships FOR EACH ROW EXECUTE FUNCTION quota_notify('community');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON quota_rule_sets FOR EACH STATEMENT EXECUTE FUNCTION quota_notify('*');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON quota_year_closures FOR EACH STATEMENT EXECUTE FUNCTION quota_notify('*');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON academic_terms FOR EACH STATEMENT EXECUTE FUNCTION quota_notify('*');
--> statement-breakpoint
CREATE TRIGGER quota_notify AFTER INSERT OR UPDATE OR DELETE ON holidays FOR EACH STATEMENT EXECUTE FUNCTION quota_notify('*');
--> statement-breakpoint
-- Jiaxing's rules (shared/quotas/rules.ts jiaxingDefaultRules) for the two years the platform
-- starts with: for Jiaxing (city) and, until a region sets its own, as the default.
INSERT INTO quota_rule_sets (region, academic_year, version, rules, note) VALUES
  ('city:嘉兴市', '2025-2026', 1, '[{"ruleId":"Q-SYNC-LESSONS","metric":"sync_lessons","minimum":20,"nameZh":"同步课堂节数","nameEn":"Synchronized lessons","appliesTo":{},"filter":{},"maxPerWeek":5},{"ruleId":"Q-SYNC-SUBJECTS","metric":"sync_subjects","minimum":2,"nameZh":"同步课堂学科数","nameEn":"Subjects of synchronized lessons","appliesTo":{},"filter":{},"maxPerWeek":2},{"ruleId":"Q-RESEARCH-ONLINE","metric":"online_research","minimum":8,"nameZh":"网络研修次数","nameEn":"Online teaching research","appliesTo":{},"filter":{},"maxPerWeek":2},{"ruleId":"Q-RESEARCH-OFFLINE","metric":"offline_research","minimum":4,"nameZh":"线下教研次数","nameEn":"Offline teaching research","appliesTo":{},"filter":{},"maxPerWeek":1},{"ruleId":"Q-DISPATCH-COVERAGE","metric":"dispatch_coverage","minimum":1,"nameZh":"骨干教师派驻覆盖成员校","nameEn":"Backbone-teacher dispatch covers every member school","appliesTo":{"requiresDispatch":true},"filter":{},"maxPerWeek":1}]'::jsonb, '嘉兴市默认指标 Jiaxing defaults'),
  ('city:嘉兴市', '2026-2027', 1, '[{"ruleId":"Q-SYNC-LESSONS","metric":"sync_lessons","minimum":20,"nameZh":"同步课堂节数","nameEn":"Synchronized lessons","appliesTo":{},"filter":{},"maxPerWeek":5},{"ruleId":"Q-SYNC-SUBJECTS","metric":"sync_subjects","minimum":2,"nameZh":"同步课堂学科数","nameEn":"Subjects of synchronized lessons","appliesTo":{},"filter":{},"maxPerWeek":2},{"ruleId":"Q-RESEARCH-ONLINE","metric":"online_research","minimum":8,"nameZh":"网络研修次数","nameEn":"Online teaching research","appliesTo":{},"filter":{},"maxPerWeek":2},{"ruleId":"Q-RESEARCH-OFFLINE","metric":"offline_research","minimum":4,"nameZh":"线下教研次数","nameEn":"Offline teaching research","appliesTo":{},"filter":{},"maxPerWeek":1},{"ruleId":"Q-DISPATCH-COVERAGE","metric":"dispatch_coverage","minimum":1,"nameZh":"骨干教师派驻覆盖成员校","nameEn":"Backbone-teacher dispatch covers every member school","appliesTo":{"requiresDispatch":true},"filter":{},"maxPerWeek":1}]'::jsonb, '嘉兴市默认指标 Jiaxing defaults'),
  ('default', '2025-2026', 1, '[{"ruleId":"Q-SYNC-LESSONS","metric":"sync_lessons","minimum":20,"nameZh":"同步课堂节数","nameEn":"Synchronized lessons","appliesTo":{},"filter":{},"maxPerWeek":5},{"ruleId":"Q-SYNC-SUBJECTS","metric":"sync_subjects","minimum":2,"nameZh":"同步课堂学科数","nameEn":"Subjects of synchronized lessons","appliesTo":{},"filter":{},"maxPerWeek":2},{"ruleId":"Q-RESEARCH-ONLINE","metric":"online_research","minimum":8,"nameZh":"网络研修次数","nameEn":"Online teaching research","appliesTo":{},"filter":{},"maxPerWeek":2},{"ruleId":"Q-RESEARCH-OFFLINE","metric":"offline_research","minimum":4,"nameZh":"线下教研次数","nameEn":"Offline teaching research","appliesTo":{},"filter":{},"maxPerWeek":1},{"ruleId":"Q-DISPATCH-COVERAGE","metric":"dispatch_coverage","minimum":1,"nameZh":"骨干教师派驻覆盖成员校","nameEn":"Backbone-teacher dispatch covers every member school","appliesTo":{"requiresDispatch":true},"filter":{},"maxPerWeek":1}]'::jsonb, '平台默认指标（嘉兴标准）Platform default (Jiaxing numbers)'),
  ('default', '2026-2027', 1, '[{"ruleId":"Q-SYNC-LESSONS","metric":"sync_lessons","minimum":20,"nameZh":"同步课堂节数","nameEn":"Synchronized lessons","appliesTo":{},"filter":{},"maxPerWeek":5},{"ruleId":"Q-SYNC-SUBJECTS","metric":"sync_subjects","minimum":2,"nameZh":"同步课堂学科数","nameEn":"Subjects of synchronized lessons","appliesTo":{},"filter":{},"maxPerWeek":2},{"ruleId":"Q-RESEARCH-ONLINE","metric":"online_research","minimum":8,"nameZh":"网络研修次数","nameEn":"Online teaching research","appliesTo":{},"filter":{},"maxPerWeek":2},{"ruleId":"Q-RESEARCH-OFFLINE","metric":"offline_research","minimum":4,"nameZh":"线下教研次数","nameEn":"Offline teaching research","appliesTo":{},"filter":{},"maxPerWeek":1},{"ruleId":"Q-DISPATCH-COVERAGE","metric":"dispatch_coverage","minimum":1,"nameZh":"骨干教师派驻覆盖成员校","nameEn":"Backbone-teacher dispatch covers every member school","appliesTo":{"requiresDispatch":true},"filter":{},"maxPerWeek":1}]'::jsonb, '平台默认指标（嘉兴标准）Platform default (Jiaxing numbers)');
