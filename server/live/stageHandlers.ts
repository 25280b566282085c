import { LiveError } from './errors.ts';
import { actOnEdge, empty, inRoom, requireModerator, type HandlerTable } from './handlers.ts';
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
    if (target.edge) await actOnEdge(ctx, target, { hand: false });
    else ctx.room.setHand(target, false);
    return empty;
  }),

  setStage: inRoom(async (ctx, { peerId }) => {
    requireModerator(ctx);
    // N-EDGE-STAGE: nothing of an edge participant comes back to this node to be shown on stage.
    if (peerId !== null && ctx.room.visibleParticipant(peerId)?.edge) {
      throw new LiveError('edge_stage_unsupported', 'This participant follows the lesson through another server and only receives there: it cannot be put on stage');
    }
    await ctx.room.setStage(peerId);
    await storeOf(ctx.service).stageChanged(ctx.room.sessionId, ctx.actor.accountId, ctx.room.stageAccountId);
    return empty;
  }),

  muteClassroom: inRoom(async (ctx, { peerId, muted }) => {
    requireModerator(ctx);
    const target = ctx.room.visibleParticipant(peerId);
    if (!target) throw new LiveError('not_found', 'That participant is not in the room');
    if (target.edge) await actOnEdge(ctx, target, { muted });
    else await ctx.room.setMuted(target, muted);
    await storeOf(ctx.service).muteChanged(ctx.room.sessionId, ctx.actor.accountId, target.actor.accountId, muted);
    return empty;
  }),
} satisfies Partial<HandlerTable>;
