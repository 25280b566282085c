import { z } from 'zod';
import { TIMER_MAX_SECONDS, TimerState } from '../schemas/classTools.ts';

/** The lesson countdown (rules T-TIMER-* in server/live/tools/README.md). Spread into the signaling table (live.ts). */
export const timerRequests = {
  /** Host: start a countdown of `seconds`, or (without) continue a paused one. */
  timerStart: { request: z.object({ seconds: z.number().int().min(1).max(TIMER_MAX_SECONDS).optional() }), response: TimerState },
  timerPause: { request: z.object({}), response: TimerState },
  /** Host: back to no countdown. */
  timerReset: { request: z.object({}), response: TimerState },
  timerState: { request: z.object({}), response: TimerState },
} as const;

export const timerNotifications = {
  timerChanged: TimerState,
} as const;
