-- A recording is a part of a series: one cut off with its room (its node died or drained, a restart) goes on
-- as the next part when the new room has the teacher's producers again (LIVE-RECORDING-RESUME,
-- server/live/README.md); each part names the process writing it and why it ended. Runs on PostgreSQL 15 and PGlite.
ALTER TABLE "live_recordings" ADD COLUMN "series_id" uuid;--> statement-breakpoint
ALTER TABLE "live_recordings" ADD COLUMN "part" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "live_recordings" ADD COLUMN "recorder_id" uuid;--> statement-breakpoint
ALTER TABLE "live_recordings" ADD COLUMN "end_reason" text;--> statement-breakpoint
ALTER TABLE "live_recordings" ADD CONSTRAINT "live_recordings_series_id_live_recordings_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."live_recordings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_recordings" ADD CONSTRAINT "live_recordings_recorder_id_live_recorders_id_fk" FOREIGN KEY ("recorder_id") REFERENCES "public"."live_recorders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "live_recordings_series_part_uq" ON "live_recordings" USING btree ("series_id","part") WHERE "live_recordings"."series_id" is not null;--> statement-breakpoint
ALTER TABLE "live_recordings" ADD CONSTRAINT "live_recordings_part_ck" CHECK (("live_recordings"."series_id" is null) = ("live_recordings"."part" = 1));--> statement-breakpoint
ALTER TABLE "live_recordings" ADD CONSTRAINT "live_recordings_end_reason_ck" CHECK ("live_recordings"."end_reason" is null or "live_recordings"."end_reason" in ('stopped', 'room-closed', 'worker-died', 'interrupted', 'producers-closed', 'ffmpeg-exited'));
