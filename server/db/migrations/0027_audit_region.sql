-- City and province auditors (shared/county/SPEC.md, C-AUDIT-REGION): an auditor audits a region
-- at its level — one county (county_id), the counties of a city (audit_city of audit_province)
-- or of a province (audit_province), matched against the counties' own city and province.
-- Every auditor so far audits one county. Runs on PostgreSQL 15 and PGlite.
ALTER TABLE "accounts" ADD COLUMN "audit_level" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "audit_city" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "audit_province" text;--> statement-breakpoint
UPDATE "accounts" SET "audit_level" = 'county' WHERE "role" = 'auditor';--> statement-breakpoint
ALTER TABLE "accounts" DROP CONSTRAINT "accounts_auditor_county_ck";--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_audit_level_ck" CHECK (("accounts"."role" = 'auditor') = ("accounts"."audit_level" is not null) and "accounts"."audit_level" in ('county', 'city', 'province'));--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_auditor_region_ck" CHECK (case "accounts"."audit_level"
        when 'county' then "accounts"."county_id" is not null and "accounts"."audit_city" is null and "accounts"."audit_province" is null
        when 'city' then "accounts"."county_id" is null and "accounts"."audit_city" is not null and "accounts"."audit_province" is not null
        when 'province' then "accounts"."county_id" is null and "accounts"."audit_city" is null and "accounts"."audit_province" is not null
        else "accounts"."county_id" is null and "accounts"."audit_city" is null and "accounts"."audit_province" is null end);
