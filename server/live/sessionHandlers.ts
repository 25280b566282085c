import type { ResponseOf } from '../../shared/signaling/protocol.ts';
import { LiveError } from './errors.ts';
import { empty, inRoom, type HandlerTable } from './handlers.ts';
import { iceServersFor } from './ice.ts';
import { openTransport } from './mediaHandlers.ts';
import { sessionView } from './directory.ts';
import { failuresOf } from '../evidence/verdict.ts';

/** Joining and leaving a session, the join-to-first-frame report, and ending the session with its verdict. */
export const sessionHandlers = {
  async join(ctx, req) {
    const { room, peer, session, resumed, held } = await ctx.service.join(ctx.socket, ctx.actor, req.sessionId, req.resume, { auto: req.auto });
    const permissions = room.permissions(peer);
    // Transports opened with the join (LIVE-AUTO-JOIN): a send transport only for one who may publish.
    const wanted = resumed ? [] : [...new Set(req.transports)].filter((d) => d === 'recv' || permissions.publish.length > 0);
    const opened = await Promise.all(wanted.map(async (d) => [d, await openTransport(room, peer, d)] as const));
    return {
      peerId: peer.peerId,
      resumeToken: peer.resumeToken,
      resumed,
      session: sessionView(session),
      permissions,
      routerRtpCapabilities: room.media.rtpCapabilities as ResponseOf<'join'>['routerRtpCapabilities'],
      iceServers: iceServersFor(ctx.service.config, ctx.actor.accountId),
      iceTransportPolicy: ctx.service.config.live.iceTransportPolicy,
      room: room.snapshot(peer),
      held,
      transports: Object.fromEntries(opened),
    };
  },

  async leave(ctx) {
    ctx.service.leave(ctx.socket);
    return empty;
  },

  reportFirstFrame: inRoom(async ({ peer, service }, { ms }) => {
    service.firstFrames.accept(peer, ms);
    return empty;
  }),

  endSession: inRoom(async ({ room, peer, service, actor }) => {
    const permissions = room.permissions(peer);
    if (!permissions.endSession) throw new LiveError('forbidden', 'Only the teacher hosting the session (or a coordinator) may end it');
    const verdict = await service.endSession(room.sessionId, peer.role === 'host' ? 'host' : 'observer', actor);
    return { status: verdict.status, reason: verdict.reason, failed: failuresOf(verdict.outcomes) };
  }),
} satisfies Partial<HandlerTable>;
