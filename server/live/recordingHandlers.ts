import { inRoom, requireModerator, type HandlerTable } from './handlers.ts';

/** The host records the session (server/live/recordings.ts keeps the files). */
export const recordingHandlers = {
  startRecording: inRoom(async (ctx) => {
    requireModerator(ctx);
    return ctx.room.startRecording(ctx.actor);
  }),

  stopRecording: inRoom(async (ctx) => {
    requireModerator(ctx);
    return ctx.room.stopRecording();
  }),
} satisfies Partial<HandlerTable>;
