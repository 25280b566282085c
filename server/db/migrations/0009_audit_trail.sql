-- The audit trail (issue #5): every INSERT, UPDATE and DELETE of the audited tables is
-- recorded in audit_log by one generic trigger function, whoever writes. Runs on
-- PostgreSQL 15 and PGlite (PostgreSQL 18).
--
-- Who: the transaction-local setting tongbu.actor (an account id), set by withActor()
-- (server/audit/actor.ts) with set_config('tongbu.actor', id, true); without it the row
-- says 'system', or what tongbu.source names (e.g. live:evidence).
--
-- Trigger arguments: (1) the row's key columns, comma-separated; (2) how to find the
-- community: 'community_id' (a column of the row), 'session_id' (a live session),
-- 'research_id' (offline research), 'correction_id' (a quota correction), 'county_id'
-- (county-level rows: year closures), or '' (region-level rows: rules).
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_j jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_j jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  r jsonb := coalesce(to_jsonb(NEW), to_jsonb(OLD));
  via text := coalesce(TG_ARGV[1], '');
  key text;
  community uuid;
  county uuid;
  actor text := nullif(current_setting('tongbu.actor', true), '');
BEGIN
  IF TG_OP = 'UPDATE' AND old_j = new_j THEN
    RETURN NULL;
  END IF;
  SELECT string_agg(r ->> k, '/' ORDER BY n) INTO key FROM unnest(string_to_array(TG_ARGV[0], ',')) WITH ORDINALITY AS c(k, n);
  community := CASE via
    WHEN 'community_id' THEN (r ->> 'community_id')::uuid
    WHEN 'session_id' THEN (SELECT s.community_id FROM live_sessions s WHERE s.id = (r ->> 'session_id')::uuid)
    WHEN 'research_id' THEN (SELECT o.community_id FROM offline_research o WHERE o.id = (r ->> 'research_id')::uuid)
    WHEN 'correction_id' THEN (SELECT q.community_id FROM quota_corrections q WHERE q.id = (r ->> 'correction_id')::uuid)
  END;
  county := CASE WHEN via = 'county_id' THEN (r ->> 'county_id')::uuid
                 WHEN community IS NOT NULL THEN (SELECT c.county_id FROM communities c WHERE c.id = community) END;
  INSERT INTO audit_log (actor_account_id, actor_source, table_name, op, row_id, community_id, county_id, before, after)
  VALUES (actor::uuid,
          CASE WHEN actor IS NOT NULL THEN 'account' ELSE coalesce(nullif(current_setting('tongbu.source', true), ''), 'system') END,
          TG_TABLE_NAME, lower(TG_OP), coalesce(key, ''), community, county, old_j, new_j);
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The audit log itself is append-only.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: rows may not be %d', lower(TG_OP)
    USING ERRCODE = 'restrict_violation', CONSTRAINT = 'audit_log_append_only';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
-- Schedule items.
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON live_sessions FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'community_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON session_teachers FOR EACH ROW EXECUTE FUNCTION audit_row('session_id,teacher_id', 'session_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON session_classrooms FOR EACH ROW EXECUTE FUNCTION audit_row('session_id,classroom_id', 'session_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON schedule_series FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'community_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON offline_research FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'community_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON offline_research_schools FOR EACH ROW EXECUTE FUNCTION audit_row('research_id,school_id', 'research_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON offline_research_teachers FOR EACH ROW EXECUTE FUNCTION audit_row('research_id,teacher_id', 'research_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON offline_research_attachments FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'research_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON teacher_dispatches FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'community_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON community_memberships FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'community_id');
--> statement-breakpoint
-- Evidence.
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON live_evidence_intervals FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'session_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON live_session_verdicts FOR EACH ROW EXECUTE FUNCTION audit_row('session_id', 'session_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON live_recordings FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'session_id');
--> statement-breakpoint
-- Rules.
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON live_evidence_rules FOR EACH ROW EXECUTE FUNCTION audit_row('rule_id,effective_from', '');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON quota_rule_sets FOR EACH ROW EXECUTE FUNCTION audit_row('id', '');
--> statement-breakpoint
-- Corrections and year closures.
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON quota_corrections FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'community_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON quota_correction_schools FOR EACH ROW EXECUTE FUNCTION audit_row('correction_id,school_id', 'correction_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON quota_correction_attachments FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'correction_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON quota_year_closures FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'county_id');
