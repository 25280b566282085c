-- The S-T analysis of lessons (server/live/stAnalysis.ts; rules ST-SAMPLE-30S, ST-RT-CH and
-- ST-TYPE-THRESHOLDS in server/live/README.md). Its thresholds are data: append-only versions by
-- the date they take effect, like live_evidence_rules; the version in force on a lesson's local
-- start date applies. Runs on PostgreSQL 15 and PGlite.
CREATE TABLE "live_st_rules" (
	"effective_from" date PRIMARY KEY NOT NULL,
	"sample_seconds" integer NOT NULL,
	"practice_max_rt" numeric(4, 3) NOT NULL,
	"lecture_min_rt" numeric(4, 3) NOT NULL,
	"dialogue_min_ch" numeric(4, 3) NOT NULL,
	"description" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_st_rules_sample_ck" CHECK ("live_st_rules"."sample_seconds" between 5 and 600),
	CONSTRAINT "live_st_rules_rt_ck" CHECK ("live_st_rules"."practice_max_rt" between 0 and 1 and "live_st_rules"."lecture_min_rt" between 0 and 1 and "live_st_rules"."practice_max_rt" < "live_st_rules"."lecture_min_rt"),
	CONSTRAINT "live_st_rules_ch_ck" CHECK ("live_st_rules"."dialogue_min_ch" between 0 and 1)
);
--> statement-breakpoint
CREATE TRIGGER live_st_rules_append_only
  BEFORE UPDATE OR DELETE ON live_st_rules
  FOR EACH ROW EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON live_st_rules FOR EACH ROW EXECUTE FUNCTION audit_row('effective_from', '');
--> statement-breakpoint
-- The classic S-T method's values (30 s samples; 练习型 Rt ≤ 0.3, 讲授型 Rt ≥ 0.7, 对话型 Ch ≥ 0.4),
-- in force from the 2025-2026 academic year like the evidence rules.
INSERT INTO live_st_rules (effective_from, sample_seconds, practice_max_rt, lecture_min_rt, dialogue_min_ch, description) VALUES
  ('2025-09-01', 30, 0.300, 0.700, 0.400, 'S-T analysis (S-T分析法): a sample every 30 s of the scheduled lesson; Rt ≤ 0.3 practice, Rt ≥ 0.7 lecture, else Ch ≥ 0.4 dialogue, else mixed.');
