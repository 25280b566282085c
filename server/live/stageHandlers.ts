import { LiveError } from './errors.ts';
import { empty, inRoom, requireModerator, type HandlerTable } from './handlers.ts';

/** Hands, the stage and the host's mute: the classroom's floor. */
export const stageHandlers = {
  raiseHand: inRoom(async ({ room, peer }, { raised }) => {
    if (peer.role === 'observer') throw new LiveError('forbidden', 'Patrols (observers) do not raise hands');
    room.setHand(peer, raised);
    return empty;
  }),

  lowerHand: inRoom(async (ctx, { peerId }) => {
    requireModerator(ctx);
    const target = ctx.room.visibleParticipant(peerId);
    if (!target) throw new LiveError('not_found', 'That participant is not in the room');
    ctx.room.setHand(target, false);
    return empty;
  }),

  setStage: inRoom(async (ctx, { peerId }) => {
    requireModerator(ctx);
    await ctx.room.setStage(peerId);
    return empty;
  }),

  muteClassroom: inRoom(async (ctx, { peerId, muted }) => {
    requireModerator(ctx);
    const target = ctx.room.visibleParticipant(peerId);
    if (!target) throw new LiveError('not_found', 'That participant is not in the room');
    await ctx.room.setMuted(target, muted);
    return empty;
  }),
} satisfies Partial<HandlerTable>;
