CREATE TABLE "quota_tallies" (
	"community_id" uuid NOT NULL,
	"academic_year" text NOT NULL,
	"counted" json,
	"planned" json,
	"members" json,
	CONSTRAINT "quota_tallies_community_id_academic_year_pk" PRIMARY KEY("community_id","academic_year")
);
--> statement-breakpoint
ALTER TABLE "quota_progress" ALTER COLUMN "progress" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "quota_tallies" ADD CONSTRAINT "quota_tallies_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "live_sessions_planned_idx" ON "live_sessions" USING btree ("starts_at") WHERE "live_sessions"."status" in ('scheduled', 'live');--> statement-breakpoint
CREATE INDEX "offline_research_planned_idx" ON "offline_research" USING btree ("held_on") WHERE "offline_research"."status" = 'planned';