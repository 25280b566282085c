-- The quota tracker's tallies (quota_tallies), kept exact by the database: the views below
-- define each community's year from the evidence (the same rules as server/quotas/facts.ts
-- `itemFacts`); triggers note every community whose inputs change, and at commit its rows
-- are recomputed from the views. The full recompute of a province then reads one row per
-- community. Runs on PostgreSQL 15 and PGlite (18).

-- Counted and planned items of each community's academic year, grouped (kind, subject, mode, source):
-- - a synchronized lesson counts when delivered and a member classroom received the host
--   (quota_lesson_attendance) whose school was a member of the community that day;
-- - online research counts when delivered, offline research when confirmed;
-- - corrections count as such (lessons: with a school that was a member that day);
-- - planned: sessions scheduled or live and offline research planned, on every day of the
--   year — the reader takes off the days before today.
CREATE VIEW quota_tally_groups AS
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
     WHERE o.status IN ('confirmed', 'planned')
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
-- Each member school's membership periods, clipped to each academic year they touch: the
-- counted lessons (evidence and corrections) it took part in during the period, and the
-- first and last start of the dispatches overlapping it (covered = one has begun by today).
-- The grouped parts carry community_id so that a filter on it reaches every table.
CREATE VIEW quota_tally_member_periods AS
SELECT p.community_id, p.academic_year, p.school_id, p.name, p.from_day, p.to_day,
       coalesce(l.lessons, 0) AS lessons, d.first_start, d.last_start
  FROM (SELECT m.id, m.community_id, m.school_id, s.name, y.label AS academic_year,
               greatest(m.valid_from, y.starts_on) AS from_day,
               least(coalesce(m.valid_to - 1, y.ends_on), y.ends_on) AS to_day
          FROM community_memberships m
          JOIN schools s ON s.id = m.school_id
          JOIN academic_years y ON m.valid_from <= y.ends_on AND (m.valid_to IS NULL OR m.valid_to > y.starts_on)
         WHERE m.role = 'member') p
  LEFT JOIN (SELECT m.community_id, m.id, y.label AS academic_year, count(DISTINCT x.item)::int AS lessons
               FROM community_memberships m
               JOIN academic_years y ON m.valid_from <= y.ends_on AND (m.valid_to IS NULL OR m.valid_to > y.starts_on)
               JOIN (SELECT s.id AS item, s.community_id, a.school_id, (s.starts_at AT TIME ZONE s.time_zone)::date AS on_day
                       FROM live_sessions s
                       JOIN quota_lesson_attendance a ON a.session_id = s.id
                      WHERE s.kind = 'sync_lesson' AND s.status = 'delivered'
                     UNION ALL
                     SELECT q.id, q.community_id, qs.school_id, q.held_on
                       FROM quota_corrections q
                       JOIN quota_correction_schools qs ON qs.correction_id = q.id
                      WHERE q.kind = 'sync_lesson') x
                 ON x.community_id = m.community_id AND x.school_id = m.school_id
                AND x.on_day BETWEEN greatest(m.valid_from, y.starts_on) AND least(coalesce(m.valid_to - 1, y.ends_on), y.ends_on)
              WHERE m.role = 'member'
              GROUP BY m.community_id, m.id, y.label) l
    ON l.community_id = p.community_id AND l.id = p.id AND l.academic_year = p.academic_year
  LEFT JOIN (SELECT m.community_id, m.id, y.label AS academic_year, min(t.starts_on) AS first_start, max(t.starts_on) AS last_start
               FROM community_memberships m
               JOIN academic_years y ON m.valid_from <= y.ends_on AND (m.valid_to IS NULL OR m.valid_to > y.starts_on)
               JOIN teacher_dispatches t ON t.community_id = m.community_id AND t.school_id = m.school_id
                AND t.starts_on <= least(coalesce(m.valid_to - 1, y.ends_on), y.ends_on) AND t.ends_on >= greatest(m.valid_from, y.starts_on)
              WHERE m.role = 'member'
              GROUP BY m.community_id, m.id, y.label) d
    ON d.community_id = p.community_id AND d.id = p.id AND d.academic_year = p.academic_year;
--> statement-breakpoint
-- One row per community and academic year with anything in it: what quota_tallies holds.
CREATE VIEW quota_tally_docs AS
SELECT community_id, academic_year,
       json_agg(r ORDER BY k) FILTER (WHERE part = 'counted') AS counted,
       json_agg(r ORDER BY k) FILTER (WHERE part = 'planned') AS planned,
       json_agg(r ORDER BY k, from_day) FILTER (WHERE part = 'members') AS members
  FROM (SELECT community_id, academic_year, CASE WHEN source = 'planned' THEN 'planned' ELSE 'counted' END AS part,
               CASE WHEN source = 'planned' THEN json_build_array(kind, subject_code, mode, count)
                    ELSE json_build_array(kind, subject_code, mode, source, count) END AS r,
               concat_ws('|', kind, subject_code, mode, source) AS k, NULL::date AS from_day
          FROM quota_tally_groups
        UNION ALL
        SELECT community_id, academic_year, 'members',
               json_build_array(school_id, name, from_day, to_day, lessons, first_start, last_start), name, from_day
          FROM quota_tally_member_periods) x
 GROUP BY community_id, academic_year;
--> statement-breakpoint
-- Recomputes one community's rows. Refreshes of one community take turns (advisory lock), so
-- each statement after the lock reads what the previous refresh committed. Generic plans: the
-- views make a large statement whose planning (~13 ms) costs more than running it for one
-- community (~1 ms), and the plan is the same for every community.
CREATE FUNCTION quota_tally_refresh(community uuid) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(1903, hashtext(community::text));
  DELETE FROM quota_tallies WHERE community_id = community;
  INSERT INTO quota_tallies (community_id, academic_year, counted, planned, members)
  SELECT community_id, academic_year, counted, planned, members FROM quota_tally_docs WHERE community_id = community;
END $$;
--> statement-breakpoint
-- Recomputes every row, set-based (a change of the academic years; after a bulk load with
-- triggers off; the first backfill). Concurrent refreshes wait for it.
CREATE FUNCTION quota_tally_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE quota_tallies IN SHARE ROW EXCLUSIVE MODE;
  DELETE FROM quota_tallies;
  INSERT INTO quota_tallies (community_id, academic_year, counted, planned, members)
  SELECT community_id, academic_year, counted, planned, members FROM quota_tally_docs;
END $$;
--> statement-breakpoint
-- Communities whose tallies the current transaction changed, refreshed once each at commit
-- (or earlier by quota_tally_flush(), before a read in the same transaction). Rows live only
-- inside their transaction.
CREATE UNLOGGED TABLE quota_tally_pending (
  xact bigint NOT NULL,
  community_id uuid NOT NULL,
  PRIMARY KEY (xact, community_id)
);
--> statement-breakpoint
CREATE FUNCTION quota_tally_mark(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO quota_tally_pending (xact, community_id)
  SELECT DISTINCT txid_current(), c FROM unnest(ids) AS c WHERE c IS NOT NULL
  ON CONFLICT DO NOTHING
$$;
--> statement-breakpoint
-- Refreshes the communities the current transaction marked, in id order (two transactions
-- refreshing the same communities take their locks in the same order).
CREATE FUNCTION quota_tally_flush() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
  c uuid;
BEGIN
  IF txid_current_if_assigned() IS NULL THEN
    RETURN;
  END IF;
  ids := array(SELECT community_id FROM quota_tally_pending WHERE xact = txid_current() ORDER BY community_id);
  IF cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  DELETE FROM quota_tally_pending WHERE xact = txid_current();
  FOREACH c IN ARRAY ids LOOP
    PERFORM quota_tally_refresh(c);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE FUNCTION quota_tally_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM quota_tally_flush();
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER quota_tally_at_commit AFTER INSERT ON quota_tally_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION quota_tally_at_commit();
--> statement-breakpoint
-- What marks a community: statement-level triggers with transition tables, one per table and
-- event (an update marks only when a column the tallies read changed).
CREATE FUNCTION quota_tally_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM quota_tally_mark(array(SELECT community_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM quota_tally_mark(array(SELECT community_id FROM old_rows));
  ELSE
    PERFORM quota_tally_mark(array(
      SELECT unnest(ARRAY[o.community_id, n.community_id])
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.community_id, o.kind, o.subject_code, o.mode, o.status, o.starts_at, o.time_zone)
             IS DISTINCT FROM (n.community_id, n.kind, n.subject_code, n.mode, n.status, n.starts_at, n.time_zone)));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_tally_insert AFTER INSERT ON live_sessions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_sessions_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_update AFTER UPDATE ON live_sessions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_sessions_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_delete AFTER DELETE ON live_sessions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_sessions_changed();
--> statement-breakpoint
-- Derived attendance is written once (append-only): inserts only. LATERAL keeps each lookup an index probe.
CREATE FUNCTION quota_tally_attendance_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM quota_tally_mark(array(
    SELECT s.community_id FROM (SELECT DISTINCT session_id FROM new_rows) n
     CROSS JOIN LATERAL (SELECT x.community_id FROM live_sessions x WHERE x.id = n.session_id) s));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_tally_insert AFTER INSERT ON quota_lesson_attendance
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_attendance_changed();
--> statement-breakpoint
CREATE FUNCTION quota_tally_memberships_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM quota_tally_mark(array(SELECT community_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM quota_tally_mark(array(SELECT community_id FROM old_rows));
  ELSE
    PERFORM quota_tally_mark(array(
      SELECT unnest(ARRAY[o.community_id, n.community_id])
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.community_id, o.school_id, o.role, o.valid_from, o.valid_to)
             IS DISTINCT FROM (n.community_id, n.school_id, n.role, n.valid_from, n.valid_to)));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_tally_insert AFTER INSERT ON community_memberships
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_memberships_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_update AFTER UPDATE ON community_memberships
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_memberships_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_delete AFTER DELETE ON community_memberships
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_memberships_changed();
--> statement-breakpoint
CREATE FUNCTION quota_tally_corrections_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM quota_tally_mark(array(SELECT community_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM quota_tally_mark(array(SELECT community_id FROM old_rows));
  ELSE
    PERFORM quota_tally_mark(array(
      SELECT unnest(ARRAY[o.community_id, n.community_id])
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.community_id, o.kind, o.subject_code, o.mode, o.held_on)
             IS DISTINCT FROM (n.community_id, n.kind, n.subject_code, n.mode, n.held_on)));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_tally_insert AFTER INSERT ON quota_corrections
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_corrections_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_update AFTER UPDATE ON quota_corrections
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_corrections_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_delete AFTER DELETE ON quota_corrections
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_corrections_changed();
--> statement-breakpoint
-- A correction's schools (its community is found through the correction; when both go in
-- one statement's cascade, the correction's own trigger marks the community).
CREATE FUNCTION quota_tally_correction_schools_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM quota_tally_mark(array(
      SELECT q.community_id FROM (SELECT DISTINCT correction_id FROM new_rows) n
       CROSS JOIN LATERAL (SELECT x.community_id FROM quota_corrections x WHERE x.id = n.correction_id) q));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM quota_tally_mark(array(
      SELECT q.community_id FROM (SELECT DISTINCT correction_id FROM old_rows) o
       CROSS JOIN LATERAL (SELECT x.community_id FROM quota_corrections x WHERE x.id = o.correction_id) q));
  ELSE
    PERFORM quota_tally_mark(array(
      SELECT q.community_id FROM (SELECT correction_id FROM old_rows UNION SELECT correction_id FROM new_rows) r
       CROSS JOIN LATERAL (SELECT x.community_id FROM quota_corrections x WHERE x.id = r.correction_id) q));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_tally_insert AFTER INSERT ON quota_correction_schools
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_correction_schools_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_update AFTER UPDATE ON quota_correction_schools
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_correction_schools_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_delete AFTER DELETE ON quota_correction_schools
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_correction_schools_changed();
--> statement-breakpoint
CREATE FUNCTION quota_tally_offline_research_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM quota_tally_mark(array(SELECT community_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM quota_tally_mark(array(SELECT community_id FROM old_rows));
  ELSE
    PERFORM quota_tally_mark(array(
      SELECT unnest(ARRAY[o.community_id, n.community_id])
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.community_id, o.status, o.held_on) IS DISTINCT FROM (n.community_id, n.status, n.held_on)));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_tally_insert AFTER INSERT ON offline_research
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_offline_research_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_update AFTER UPDATE ON offline_research
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_offline_research_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_delete AFTER DELETE ON offline_research
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_offline_research_changed();
--> statement-breakpoint
CREATE FUNCTION quota_tally_dispatches_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM quota_tally_mark(array(SELECT community_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM quota_tally_mark(array(SELECT community_id FROM old_rows));
  ELSE
    PERFORM quota_tally_mark(array(
      SELECT unnest(ARRAY[o.community_id, n.community_id])
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.community_id, o.school_id, o.starts_on, o.ends_on) IS DISTINCT FROM (n.community_id, n.school_id, n.starts_on, n.ends_on)));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_tally_insert AFTER INSERT ON teacher_dispatches
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_dispatches_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_update AFTER UPDATE ON teacher_dispatches
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_dispatches_changed();
--> statement-breakpoint
CREATE TRIGGER quota_tally_delete AFTER DELETE ON teacher_dispatches
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_dispatches_changed();
--> statement-breakpoint
-- Member periods carry the school's name: a renamed school marks the communities it belongs to.
CREATE FUNCTION quota_tally_schools_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM quota_tally_mark(array(
    SELECT m.community_id FROM old_rows o JOIN new_rows n ON n.id = o.id
      JOIN community_memberships m ON m.school_id = n.id
     WHERE o.name IS DISTINCT FROM n.name));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_tally_update AFTER UPDATE ON schools
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_schools_changed();
--> statement-breakpoint
-- The academic years decide which year every item falls in: any change rebuilds every row.
CREATE FUNCTION quota_tally_years_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM quota_tally_rebuild();
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER quota_tally_years AFTER INSERT OR UPDATE OR DELETE ON academic_years
  FOR EACH STATEMENT EXECUTE FUNCTION quota_tally_years_changed();
--> statement-breakpoint
-- quota_progress: a full recompute moves computed_at of every unchanged row forward (a
-- narrow update) and rewrites the changed ones; room left on each page lets most of those
-- updates stay on their page (HOT: no new index entries).
ALTER TABLE quota_progress SET (fillfactor = 70);
--> statement-breakpoint
SELECT quota_tally_rebuild();
