-- A reminder already sent for a session that was then cancelled, or moved to another start,
-- is withdrawn from the screens it reached (server/schedule/reminders.ts): the reminder clock
-- claims the withdrawal by setting withdrawn_at, so it goes out once across processes.
ALTER TABLE "reminders_sent" ADD COLUMN "withdrawn_at" timestamp with time zone;
