import type { z } from 'zod';
import { QUOTA_PROGRESS_EVENT, QuotaProgressEvent } from '../schemas/quotas.ts';
import { REMINDER_EVENT, REMINDER_WITHDRAWN_EVENT, Reminder, ReminderWithdrawn } from '../schemas/schedule.ts';

/**
 * The events any page may hear on the app's one socket besides live signaling
 * (live.ts): pushes from the server, each with its schema. The client validates
 * every one with it (client/src/app/socket.ts `onPageEvent`).
 */
export const pageEvents = {
  /** A community's quota progress changed (R-QUOTA-AUDIENCE decides who hears it). */
  [QUOTA_PROGRESS_EVENT]: QuotaProgressEvent,
  /** "Starts in 10 minutes" and "join now" (server/schedule/reminders.ts). */
  [REMINDER_EVENT]: Reminder,
  /** A session that was announced ended or was cancelled: its notice goes away. */
  [REMINDER_WITHDRAWN_EVENT]: ReminderWithdrawn,
} as const;

export type PageEventName = keyof typeof pageEvents;
export type PageEventOf<N extends PageEventName> = z.output<(typeof pageEvents)[N]>;
