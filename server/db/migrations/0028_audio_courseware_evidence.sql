-- A classroom's time in the audio-and-courseware mode (仅声音和课件) is an evidence interval of its own kind,
-- per participant (media_id: its peer id), with no direction, source or sender (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE,
-- server/live/README.md). Runs on PostgreSQL 15 and PGlite.
ALTER TABLE "live_evidence_intervals" DROP CONSTRAINT "live_evidence_kind_ck";--> statement-breakpoint
ALTER TABLE "live_evidence_intervals" DROP CONSTRAINT "live_evidence_shape_ck";--> statement-breakpoint
ALTER TABLE "live_evidence_intervals" ADD CONSTRAINT "live_evidence_kind_ck" CHECK ("live_evidence_intervals"."kind" in ('connected', 'publishing', 'receiving', 'audio_courseware'));--> statement-breakpoint
ALTER TABLE "live_evidence_intervals" ADD CONSTRAINT "live_evidence_shape_ck" CHECK (case "live_evidence_intervals"."kind"
        when 'connected' then "live_evidence_intervals"."direction" in ('send', 'recv') and "live_evidence_intervals"."source" is null
        when 'publishing' then "live_evidence_intervals"."source" is not null and "live_evidence_intervals"."direction" is null
        when 'audio_courseware' then "live_evidence_intervals"."direction" is null and "live_evidence_intervals"."source" is null and "live_evidence_intervals"."from_peer_id" is null
        else "live_evidence_intervals"."source" is not null and "live_evidence_intervals"."from_peer_id" is not null and "live_evidence_intervals"."from_account_id" is not null end);
