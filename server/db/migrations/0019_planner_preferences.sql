CREATE TABLE "planner_preferences" (
	"community_id" uuid PRIMARY KEY NOT NULL,
	"preferences" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "planner_preferences" ADD CONSTRAINT "planner_preferences_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planner_preferences" ADD CONSTRAINT "planner_preferences_updated_by_accounts_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The year planner's preferences of a community (PL-PREFERENCES) are in the audit trail like its plans.
CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON planner_preferences FOR EACH ROW EXECUTE FUNCTION audit_row('community_id', 'community_id');
