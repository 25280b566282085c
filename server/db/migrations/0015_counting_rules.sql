-- Counting rules restated (shared/quotas/SPEC.md, "Offline research"):
-- P-OFFLINE-RESEARCH-SCHOOLS — confirmed offline research counts only when the core school
-- and at least one school that was a member that day took part (offline_research_schools:
-- the host school, the listed schools, the participating teachers' schools), like
-- P-RESEARCH-SCHOOLS-SPOKE online. The same rule as server/quotas/facts.ts `itemFacts`.
-- Otherwise quota_tally_groups is unchanged from migration 0014.
CREATE OR REPLACE VIEW quota_tally_groups AS
SELECT community_id, academic_year, kind, subject_code, mode, source, count(*)::int AS count
  FROM (
    SELECT s.community_id, y.label AS academic_year, s.kind, s.subject_code, s.mode, 'evidence' AS source
      FROM live_sessions s
      JOIN academic_years y ON (s.starts_at AT TIME ZONE s.time_zone)::date BETWEEN y.starts_on AND y.ends_on
     WHERE s.kind = 'sync_lesson' AND s.status = 'delivered'
       AND EXISTS (SELECT 1
                     FROM quota_lesson_attendance a
                     JOIN community_memberships m ON m.school_id = a.school_id
                    WHERE a.session_id = s.id AND m.community_id = s.community_id AND m.role = 'member'
                      AND m.valid_from <= (s.starts_at AT TIME ZONE s.time_zone)::date
                      AND (m.valid_to IS NULL OR m.valid_to > (s.starts_at AT TIME ZONE s.time_zone)::date))
    UNION ALL
    SELECT s.community_id, y.label, s.kind, s.subject_code, s.mode, CASE WHEN s.status = 'delivered' THEN 'evidence' ELSE 'planned' END
      FROM live_sessions s
      JOIN academic_years y ON (s.starts_at AT TIME ZONE s.time_zone)::date BETWEEN y.starts_on AND y.ends_on
     WHERE s.status IN ('scheduled', 'live') OR (s.status = 'delivered' AND s.kind = 'online_research')
    UNION ALL
    SELECT o.community_id, y.label, 'offline_research', NULL, NULL, CASE WHEN o.status = 'confirmed' THEN 'evidence' ELSE 'planned' END
      FROM offline_research o
      JOIN academic_years y ON o.held_on BETWEEN y.starts_on AND y.ends_on
     WHERE o.status = 'planned'
        OR (o.status = 'confirmed'
            AND EXISTS (SELECT 1
                          FROM offline_research_schools x
                          JOIN community_memberships m ON m.school_id = x.school_id
                         WHERE x.research_id = o.id AND m.community_id = o.community_id AND m.role = 'core'
                           AND m.valid_from <= o.held_on AND (m.valid_to IS NULL OR m.valid_to > o.held_on))
            AND EXISTS (SELECT 1
                          FROM offline_research_schools x
                          JOIN community_memberships m ON m.school_id = x.school_id
                         WHERE x.research_id = o.id AND m.community_id = o.community_id AND m.role = 'member'
                           AND m.valid_from <= o.held_on AND (m.valid_to IS NULL OR m.valid_to > o.held_on)))
    UNION ALL
    SELECT q.community_id, y.label, q.kind,
           CASE WHEN q.kind = 'sync_lesson' THEN q.subject_code END, CASE WHEN q.kind = 'sync_lesson' THEN q.mode END, 'correction'
      FROM quota_corrections q
      JOIN academic_years y ON q.held_on BETWEEN y.starts_on AND y.ends_on
     WHERE q.kind <> 'sync_lesson'
        OR EXISTS (SELECT 1
                     FROM quota_correction_schools qs
                     JOIN community_memberships m ON m.school_id = qs.school_id
                    WHERE qs.correction_id = q.id AND m.community_id = q.community_id AND m.role = 'member'
                      AND m.valid_from <= q.held_on AND (m.valid_to IS NULL OR m.valid_to > q.held_on))
  ) x
 GROUP BY community_id, academic_year, kind, subject_code, mode, source;;
--> statement-breakpoint
-- Which schools took part now decides whether offline research counts: a change of them marks
-- the community (found through the record; when both go in one statement's cascade, the
-- record's own trigger marks it).
CREATE FUNCTION quota_tally_offline_research_schools_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM quota_tally_mark(array(
      SELECT o.community_id FROM (SELECT DISTINCT research_id FROM new_rows) n
       CROSS JOIN LATERAL (SELECT x.community_id FROM offline_research x WHERE x.id = n.research_id) o));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM quota_tally_mark(array(
      SELECT o.community_id FROM (SELECT DISTINCT research_id FROM old_rows) r
       CROSS JOIN LATERAL (SELECT x.community_id FROM offline_research x WHERE x.id = r.research_id) o));
  ELSE
    PERFORM quota_tally_mark(array(
      SELECT o.community_id FROM (SELECT research_id FROM old_rows UNION SELECT research_id FROM new_rows) r
       CROSS JOIN LATERAL (SELECT x.community_id FROM offline_research x WHERE x.id = r.research_id) o));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_tally_insert AFTER INSERT ON offline_research_schools
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_offline_research_schools_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_update AFTER UPDATE ON offline_research_schools
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_offline_research_schools_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_delete AFTER DELETE ON offline_research_schools
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_offline_research_schools_changed();
--> statement-breakpoint
SELECT quota_tally_rebuild();
