import type { timerRequests } from '../../../shared/signaling/timer.ts';
import type { InRoom } from '../handlers.ts';
import { inRoom, requireModerator } from '../handlers.ts';
import { everyone, storeOf, type HandlersOf } from './kit.ts';

/** Tells every page the countdown changed and keeps the change on the timeline. */
async function changed(ctx: InRoom, action: string, detail: Record<string, unknown>, at: Date) {
  await storeOf(ctx.service).event(ctx.room.sessionId, 'timer', action, ctx.actor.accountId, detail, at);
  const state = ctx.room.tools.timer.state(at);
  for (const p of everyone(ctx)) ctx.room.notify(p, 'timerChanged', state);
  return state;
}

/** The lesson countdown (T-TIMER-*): the host starts, pauses and resets; every page shows it from server time. */
export function timerHandlers(): HandlersOf<typeof timerRequests> {
  return {
    timerStart: inRoom<'timerStart'>(async (ctx, { seconds }) => {
      requireModerator(ctx);
      const at = new Date();
      ctx.room.tools.timer.start(seconds, at);
      return changed(ctx, seconds === undefined ? 'continued' : 'started', seconds === undefined ? {} : { seconds }, at);
    }),
    timerPause: inRoom<'timerPause'>(async (ctx) => {
      requireModerator(ctx);
      const at = new Date();
      ctx.room.tools.timer.pause(at);
      return changed(ctx, 'paused', { remainingMs: ctx.room.tools.timer.state(at).remainingMs }, at);
    }),
    timerReset: inRoom<'timerReset'>(async (ctx) => {
      requireModerator(ctx);
      ctx.room.tools.timer.reset();
      return changed(ctx, 'reset', {}, new Date());
    }),
    timerState: inRoom<'timerState'>(async ({ room }) => room.tools.timer.state(new Date())),
  };
}
