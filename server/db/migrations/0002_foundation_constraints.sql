-- What must never be false is enforced by the database itself.
-- A school belongs to at most one community at any date (validTo exclusive, null = open-ended).
ALTER TABLE "community_memberships" ADD CONSTRAINT "memberships_school_no_overlap"
  EXCLUDE USING gist ("school_id" WITH =, daterange("valid_from", "valid_to", '[)') WITH &&);
--> statement-breakpoint
-- A community has at most one core school at any date.
ALTER TABLE "community_memberships" ADD CONSTRAINT "memberships_one_core_at_a_time"
  EXCLUDE USING gist ("community_id" WITH =, daterange("valid_from", "valid_to", '[)') WITH &&) WHERE ("role" = 'core');
--> statement-breakpoint
-- Terms and holidays of one year never overlap each other.
ALTER TABLE "academic_terms" ADD CONSTRAINT "academic_terms_no_overlap"
  EXCLUDE USING gist ("year_id" WITH =, daterange("starts_on", "ends_on", '[]') WITH &&);
--> statement-breakpoint
ALTER TABLE "academic_years" ADD CONSTRAINT "academic_years_no_overlap"
  EXCLUDE USING gist (daterange("starts_on", "ends_on", '[]') WITH &&);
