// What other features may use of scheduling (see lifecycle.ts for the contract).
export { canJoin, getLiveSessionForJoin, transitionSessionStatus, statusHistoryOf, type SessionForJoin, type TransitionBy, type TransitionResult } from './lifecycle.ts';
export { createReminderScheduler, type ReminderScheduler } from './reminders.ts';
export { scheduleRoutes } from './routes.ts';
export { scheduleRealtime } from './realtime.ts';
