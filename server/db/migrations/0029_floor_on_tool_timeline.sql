-- The host's floor is kept on the tool timeline: who was put on stage and who was muted (tools 'stage' and
-- 'mute'), so a room made afresh for a lesson under way takes them back (LIVE-STAGE-RESTORE, LIVE-MUTE-RESTORE,
-- server/live/README.md). Runs on PostgreSQL 15 and PGlite.
ALTER TABLE "live_tool_events" DROP CONSTRAINT "live_tool_events_tool_ck";--> statement-breakpoint
ALTER TABLE "live_tool_events" ADD CONSTRAINT "live_tool_events_tool_ck" CHECK ("live_tool_events"."tool" in ('quiz', 'chat', 'timer', 'stage', 'mute'));
