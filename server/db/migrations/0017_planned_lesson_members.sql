-- Q-PLANNED-LESSON-MEMBERS (shared/quotas/SPEC.md): a scheduled (or live) synchronized lesson
-- is planned only while one of its member classrooms belongs to a school that is a member of
-- the community on the lesson's day. A lesson whose member schools have all left by then can
-- no longer count (Q-SYNC-LESSONS), so the forecast stops counting on it; the coordinator sees
-- it listed as stranded and may cancel it (server/schedule/stranded.ts). The same rule as
-- server/quotas/facts.ts `itemFacts`. Membership changes already mark the community's tallies
-- (migration 0014), and a lesson's classrooms change only with its own row.
-- Otherwise quota_tally_groups is unchanged from migration 0015.
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
     WHERE (s.status = 'delivered' AND s.kind = 'online_research')
        OR (s.status IN ('scheduled', 'live')
            AND (s.kind <> 'sync_lesson'
                 OR EXISTS (SELECT 1
                              FROM session_classrooms sc
                              JOIN classrooms cl ON cl.id = sc.classroom_id
                              JOIN community_memberships m ON m.school_id = cl.school_id
                             WHERE sc.session_id = s.id AND sc.role = 'member'
                               AND m.community_id = s.community_id AND m.role = 'member'
                               AND m.valid_from <= (s.starts_at AT TIME ZONE s.time_zone)::date
                               AND (m.valid_to IS NULL OR m.valid_to > (s.starts_at AT TIME ZONE s.time_zone)::date))))
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
 GROUP BY community_id, academic_year, kind, subject_code, mode, source;
--> statement-breakpoint
SELECT quota_tally_rebuild();
