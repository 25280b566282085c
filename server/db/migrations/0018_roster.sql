CREATE TABLE "account_activations" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"code_hash" text NOT NULL,
	"import_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_activations_code_hash_unique" UNIQUE("code_hash")
);
--> statement-breakpoint
CREATE TABLE "roster_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"county_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"fingerprint" text NOT NULL,
	"rows" integer NOT NULL,
	"summary" jsonb NOT NULL,
	"credential_sheet" text,
	"credential_sheet_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "schools" ADD COLUMN "code" text;--> statement-breakpoint
ALTER TABLE "teachers" ADD COLUMN "staff_no" text;--> statement-breakpoint
ALTER TABLE "teachers" ADD COLUMN "backbone_level" text;--> statement-breakpoint
ALTER TABLE "teachers" ADD COLUMN "qualification" text;--> statement-breakpoint
ALTER TABLE "account_activations" ADD CONSTRAINT "account_activations_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_activations" ADD CONSTRAINT "account_activations_import_id_roster_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."roster_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_imports" ADD CONSTRAINT "roster_imports_county_id_counties_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."counties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_imports" ADD CONSTRAINT "roster_imports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "roster_imports_county_idx" ON "roster_imports" USING btree ("county_id");--> statement-breakpoint
ALTER TABLE "schools" ADD CONSTRAINT "schools_code_uq" UNIQUE("code");--> statement-breakpoint
ALTER TABLE "teachers" ADD CONSTRAINT "teachers_staff_no_uq" UNIQUE("staff_no");--> statement-breakpoint
ALTER TABLE "schools" ADD CONSTRAINT "schools_code_ck" CHECK ("schools"."code" ~ '^[0-9]{10}$');--> statement-breakpoint
ALTER TABLE "teachers" ADD CONSTRAINT "teachers_backbone_level_ck" CHECK ("teachers"."backbone_level" is null or ("teachers"."backbone_level" in ('county', 'city', 'province') and "teachers"."is_backbone"));--> statement-breakpoint
ALTER TABLE "teachers" ADD CONSTRAINT "teachers_qualification_ck" CHECK ("teachers"."qualification" in ('secondary', 'associate', 'bachelor', 'master', 'doctorate'));--> statement-breakpoint
ALTER TABLE "teachers" ADD CONSTRAINT "teachers_staff_no_ck" CHECK ("teachers"."staff_no" ~ '^[0-9A-Za-z-]{1,32}$');--> statement-breakpoint
-- The roster (schools, classrooms, teachers and their subjects, accounts, sign-in codes, imports)
-- is in the audit trail. audit_row() gains two things: more ways to find a row's county
-- ('school_id', 'teacher_id', 'account': through the school the row belongs to), so each
-- county's auditors see their own county's rows only; and a third argument naming columns that
-- are secrets (password hashes, sign-in code hashes, encrypted sheets), recorded only as a
-- short fingerprint that shows that they changed, never their value.
CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  hidden text[] := coalesce(string_to_array(nullif(TG_ARGV[2], ''), ','), '{}');
  old_j jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_j jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  r jsonb := coalesce(to_jsonb(NEW), to_jsonb(OLD));
  via text := coalesce(TG_ARGV[1], '');
  key text;
  col text;
  community uuid;
  county uuid;
  actor text := nullif(current_setting('tongbu.actor', true), '');
BEGIN
  FOREACH col IN ARRAY hidden LOOP
    IF old_j ? col AND old_j ->> col IS NOT NULL THEN old_j := jsonb_set(old_j, ARRAY[col], to_jsonb(left(md5(old_j ->> col), 8))); END IF;
    IF new_j ? col AND new_j ->> col IS NOT NULL THEN new_j := jsonb_set(new_j, ARRAY[col], to_jsonb(left(md5(new_j ->> col), 8))); END IF;
  END LOOP;
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
  county := CASE
    WHEN via = 'county_id' THEN (r ->> 'county_id')::uuid
    WHEN via = 'school_id' THEN (SELECT s.county_id FROM schools s WHERE s.id = (r ->> 'school_id')::uuid)
    WHEN via = 'teacher_id' THEN (SELECT s.county_id FROM teachers t JOIN schools s ON s.id = t.school_id WHERE t.id = (r ->> 'teacher_id')::uuid)
    WHEN via = 'account' THEN coalesce((r ->> 'county_id')::uuid,
      (SELECT s.county_id FROM teachers t JOIN schools s ON s.id = t.school_id WHERE t.id = (r ->> 'teacher_id')::uuid),
      (SELECT s.county_id FROM classrooms c JOIN schools s ON s.id = c.school_id WHERE c.id = (r ->> 'classroom_id')::uuid))
    WHEN community IS NOT NULL THEN (SELECT c.county_id FROM communities c WHERE c.id = community) END;
  INSERT INTO audit_log (actor_account_id, actor_source, table_name, op, row_id, community_id, county_id, before, after)
  VALUES (actor::uuid,
          CASE WHEN actor IS NOT NULL THEN 'account' ELSE coalesce(nullif(current_setting('tongbu.source', true), ''), 'system') END,
          TG_TABLE_NAME, lower(TG_OP), coalesce(key, ''), community, county, old_j, new_j);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON schools FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'county_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON classrooms FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'school_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON teachers FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'school_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON teacher_subjects FOR EACH ROW EXECUTE FUNCTION audit_row('teacher_id,subject_code', 'teacher_id');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'account', 'password_hash');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON account_activations FOR EACH ROW EXECUTE FUNCTION audit_row('account_id', '', 'code_hash');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON roster_imports FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'county_id', 'credential_sheet');
--> statement-breakpoint
-- The county's figures and rotations now name their county (they were region-level rows).
DROP TRIGGER audit_row ON school_resources;
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON school_resources FOR EACH ROW EXECUTE FUNCTION audit_row('school_id,academic_year', 'school_id');
--> statement-breakpoint
DROP TRIGGER audit_row ON teacher_rotations;
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON teacher_rotations FOR EACH ROW EXECUTE FUNCTION audit_row('id', 'teacher_id');
