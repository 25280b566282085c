CREATE TABLE "school_resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"school_id" uuid NOT NULL,
	"academic_year" text NOT NULL,
	"pupils" integer,
	"teachers_above_qualification" integer,
	"backbone_teachers" integer,
	"pe_arts_teachers" integer,
	"teaching_floor_area" numeric(12, 2),
	"sports_ground_area" numeric(12, 2),
	"equipment_value" numeric(14, 2),
	"multimedia_classrooms" integer,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "school_resources_school_year_uq" UNIQUE("school_id","academic_year"),
	CONSTRAINT "school_resources_nonnegative_ck" CHECK (coalesce("school_resources"."pupils", 0) >= 0 and coalesce("school_resources"."teachers_above_qualification", 0) >= 0 and coalesce("school_resources"."backbone_teachers", 0) >= 0 and coalesce("school_resources"."pe_arts_teachers", 0) >= 0
          and coalesce("school_resources"."teaching_floor_area", 0) >= 0 and coalesce("school_resources"."sports_ground_area", 0) >= 0 and coalesce("school_resources"."equipment_value", 0) >= 0 and coalesce("school_resources"."multimedia_classrooms", 0) >= 0)
);
--> statement-breakpoint
CREATE TABLE "teacher_rotations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"teacher_id" uuid NOT NULL,
	"from_school_id" uuid NOT NULL,
	"to_school_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teacher_rotations_dates_ck" CHECK ("teacher_rotations"."ends_on" >= "teacher_rotations"."starts_on"),
	CONSTRAINT "teacher_rotations_schools_ck" CHECK ("teacher_rotations"."from_school_id" <> "teacher_rotations"."to_school_id")
);
--> statement-breakpoint
ALTER TABLE "school_resources" ADD CONSTRAINT "school_resources_school_id_schools_id_fk" FOREIGN KEY ("school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_resources" ADD CONSTRAINT "school_resources_updated_by_accounts_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teacher_rotations" ADD CONSTRAINT "teacher_rotations_teacher_id_teachers_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."teachers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teacher_rotations" ADD CONSTRAINT "teacher_rotations_from_school_id_schools_id_fk" FOREIGN KEY ("from_school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teacher_rotations" ADD CONSTRAINT "teacher_rotations_to_school_id_schools_id_fk" FOREIGN KEY ("to_school_id") REFERENCES "public"."schools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teacher_rotations" ADD CONSTRAINT "teacher_rotations_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "teacher_rotations_teacher_idx" ON "teacher_rotations" USING btree ("teacher_id");--> statement-breakpoint
-- The county's figures and rotations are in the audit trail (audit_row(), migration 0009).
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON school_resources FOR EACH ROW EXECUTE FUNCTION audit_row('school_id,academic_year', '');
--> statement-breakpoint
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON teacher_rotations FOR EACH ROW EXECUTE FUNCTION audit_row('id', '');
