import { LiveError } from './errors.ts';
import { empty, inRoom, requireModerator, type HandlerTable } from './handlers.ts';
import { storeOf } from './tools/kit.ts';

/**
 * Hands, the stage and the host's mute: the classroom's floor. Stage and mutes are kept on the
 * session's tool timeline, so a room made afresh for the lesson takes them back
 * (LIVE-STAGE-RESTORE, LIVE-MUTE-RESTORE in README.md); the answer comes once they are kept.
 */
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
    await storeOf(ctx.service).stageChanged(ctx.room.sessionId, ctx.actor.accountId, ctx.room.stageAccountId);
    return empty;
  }),

  muteClassroom: inRoom(async (ctx, { peerId, muted }) => {
    requireModerator(ctx);
    const target = ctx.room.visibleParticipant(peerId);
    if (!target) throw new LiveError('not_found', 'That participant is not in the room');
    await ctx.room.setMuted(target, muted);
    await storeOf(ctx.service).muteChanged(ctx.room.sessionId, ctx.actor.accountId, target.actor.accountId, muted);
    return empty;
  }),
} satisfies Partial<HandlerTable>;
