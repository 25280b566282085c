-- The county standards (shared/county/SPEC.md, C-STANDARD-VERSIONS): the balance assessment's
-- standard values and coefficient thresholds and the rotation thresholds are data, append-only
-- versions per kind by the date they take effect, each with the ID the report and the tests cite.
-- Runs on PostgreSQL 15 and PGlite.
CREATE TABLE "county_standards" (
	"kind" text NOT NULL,
	"effective_from" date NOT NULL,
	"standard_id" text NOT NULL,
	"title" text NOT NULL,
	"values" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "county_standards_pk" PRIMARY KEY("kind","effective_from"),
	CONSTRAINT "county_standards_id_uq" UNIQUE("standard_id"),
	CONSTRAINT "county_standards_kind_ck" CHECK ("county_standards"."kind" in ('balance', 'rotation')),
	CONSTRAINT "county_standards_values_ck" CHECK (jsonb_typeof("county_standards"."values") = 'object')
);
--> statement-breakpoint
ALTER TABLE "county_standards" ADD CONSTRAINT "county_standards_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE TRIGGER county_standards_append_only
  BEFORE UPDATE OR DELETE ON county_standards
  FOR EACH ROW EXECUTE FUNCTION live_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON county_standards FOR EACH ROW EXECUTE FUNCTION audit_row('kind,effective_from', '');
--> statement-breakpoint
-- The national values in force: 《县域义务教育优质均衡发展督导评估办法》(教督〔2017〕6号, 2017-04-19)
-- and the 2014 opinion on teacher rotation (教师〔2014〕4号, 2014-08-13).
INSERT INTO county_standards (kind, effective_from, standard_id, title, "values") VALUES
  ('balance', '2017-04-19', 'B-STD-2017', '县域义务教育优质均衡发展督导评估办法（2017）', '{
    "standards": {
      "qualifiedTeachers": {"primary": 4.2, "junior_middle": 5.3},
      "backboneTeachers": {"primary": 1, "junior_middle": 1},
      "peArtsTeachers": {"primary": 0.9, "junior_middle": 0.9},
      "teachingFloorArea": {"primary": 4.5, "junior_middle": 5.8},
      "sportsGroundArea": {"primary": 7.5, "junior_middle": 10.2},
      "equipmentValue": {"primary": 2000, "junior_middle": 2500},
      "multimediaClassrooms": {"primary": 2.3, "junior_middle": 2.4}
    },
    "cvThreshold": {"primary": 0.5, "junior_middle": 0.45},
    "schoolRule": {"atLeast": 6, "floorShare": 0.85}
  }'),
  ('rotation', '2014-08-13', 'R-STD-2014', '关于推进县（区）域内义务教育学校校长教师交流轮岗的意见（2014）', '{"minShare": 0.1, "minBackboneShare": 0.2, "dispatchMinDays": 90}');
--> statement-breakpoint
-- A coordinator's communities are given by the roster import too (C-ROSTER-COORDINATORS): which
-- communities an account coordinates is in the audit trail like the account itself.
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON account_communities FOR EACH ROW EXECUTE FUNCTION audit_row('account_id,community_id', 'community_id');
