import type { RealtimeFeature } from '../server.ts';
import { createReminderScheduler } from './reminders.ts';

/** Reminders before and at the start of each session (SCHEDULE_REMINDER_MINUTES, SCHEDULE_REMINDER_TICK_SECONDS). */
export const scheduleRealtime: RealtimeFeature = (io, deps) => {
  const { reminderMinutes, reminderTickSeconds } = deps.config.schedule;
  if (reminderTickSeconds === 0) return;
  const scheduler = createReminderScheduler({ db: deps.database.db, io, leadMinutes: reminderMinutes, log: deps.log });
  scheduler.start(reminderTickSeconds * 1000);
  return () => void scheduler.stop();
};
