import { LiveError } from '../live/errors.ts';
import { actOnEdge, inRoom, requireModerator, type HandlerTable } from '../live/handlers.ts';

/**
 * The audio-and-courseware mode (shared/signaling/audioCourseware.ts, rules CW-AUDIO-ONLY*
 * in README.md): a classroom switches itself, the host switches a classroom. The mode
 * belongs to classrooms: they follow the lesson on the courseware, which the host shows.
 */
export const audioCoursewareHandlers = {
  setAudioCourseware: inRoom(async (ctx, { enabled, peerId }) => {
    const { room, peer } = ctx;
    let target = peer;
    if (peerId !== undefined && peerId !== peer.peerId) {
      requireModerator(ctx);
      const other = room.visibleParticipant(peerId);
      if (!other) throw new LiveError('not_found', 'That participant is not in the room');
      target = other;
    }
    if (target.role !== 'classroom') {
      throw new LiveError(target === peer ? 'forbidden' : 'validation', 'Only a classroom follows the lesson by sound and courseware');
    }
    // A classroom on an edge node is switched there (server/cluster N-EDGE-HAND); its new mode comes back with its state.
    if (target.edge) {
      await actOnEdge(ctx, target, { audioCourseware: enabled });
      return { peerId: target.peerId, enabled };
    }
    await room.setAudioCourseware(target, enabled);
    return { peerId: target.peerId, enabled: target.audioCourseware };
  }),
} satisfies Partial<HandlerTable>;
