import type { Socket } from 'socket.io';
import type { types } from 'mediasoup';
import { liveRequests } from '../../shared/signaling/live.ts';
import { describeIssues, requestEvent, requestNames, type ParsedRequestOf, type RequestName, type ResponseOf } from '../../shared/signaling/protocol.ts';
import type { Actor } from '../accounts/actor.ts';
import type { SocketData } from '../realtime/io.ts';
import { refusePublish } from './access.ts';
import { LiveError, signalingErrorOf } from './errors.ts';
import { iceServersFor } from './ice.ts';
import type { LiveRoom, Participant } from './LiveRoom.ts';
import { sessionView } from './directory.ts';
import type { LiveService } from './service.ts';
import { failuresOf } from './verdict.ts';

/**
 * Binds the signaling table (shared/signaling/live.ts) to a socket: each request
 * is validated against its schema, run by its handler below, and its answer is
 * validated too (undeclared fields are stripped) before the acknowledgement.
 */
interface Ctx {
  readonly socket: Socket;
  readonly actor: Actor;
  readonly service: LiveService;
}

interface InRoom extends Ctx {
  readonly room: LiveRoom;
  readonly peer: Participant;
}

type Handler<N extends RequestName> = (ctx: Ctx, req: ParsedRequestOf<N>) => Promise<ResponseOf<N>>;

/** Most requests need a joined participant. */
function inRoom<N extends RequestName>(fn: (ctx: InRoom, req: ParsedRequestOf<N>) => Promise<ResponseOf<N>>): Handler<N> {
  return async (ctx, req) => {
    const b = ctx.service.bindingOf(ctx.socket);
    if (!b || b.room.closed) throw new LiveError('not_joined', 'Join the session first');
    return fn({ ...ctx, room: b.room, peer: b.peer }, req);
  };
}

function requireModerator(ctx: InRoom): void {
  if (!ctx.room.permissions(ctx.peer).moderate) throw new LiveError('forbidden', 'Only the teacher hosting the session may do this');
}

const empty = {} as const;

const handlers: { [N in RequestName]: Handler<N> } = {
  async join(ctx, req) {
    const { room, peer, session, resumed, held } = await ctx.service.join(ctx.socket, ctx.actor, req.sessionId, req.resume);
    return {
      peerId: peer.peerId,
      resumeToken: peer.resumeToken,
      resumed,
      session: sessionView(session),
      permissions: room.permissions(peer),
      routerRtpCapabilities: room.media.rtpCapabilities as ResponseOf<'join'>['routerRtpCapabilities'],
      iceServers: iceServersFor(ctx.service.config, ctx.actor.accountId),
      iceTransportPolicy: ctx.service.config.live.iceTransportPolicy,
      room: room.snapshot(peer),
      held,
    };
  },

  async leave(ctx) {
    ctx.service.leave(ctx.socket);
    return empty;
  },

  createTransport: inRoom(async ({ room, peer }, { direction }) => {
    if (direction === 'send' && room.permissions(peer).publish.length === 0) {
      throw new LiveError('forbidden', 'You receive only in this session: no send transport');
    }
    const mediaPeer = room.mediaPeer(peer);
    // One transport per direction: a new one replaces the old (the client rebuilt its side).
    for (const [id, d] of [...peer.transports]) {
      if (d !== direction) continue;
      peer.transports.delete(id);
      try {
        mediaPeer.closeTransport(id);
      } catch {
        /* gone already */
      }
    }
    const t = await mediaPeer.createWebRtcTransport({ direction });
    peer.transports.set(t.id, direction);
    if (direction === 'recv') {
      peer.recvTransportId = t.id;
      for (const id of [...peer.consumers.keys()]) peer.consumers.delete(id);
    }
    return { id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters } as ResponseOf<'createTransport'>;
  }),

  connectTransport: inRoom(async ({ room, peer }, { transportId, dtlsParameters }) => {
    await room.mediaPeer(peer).connectTransport(transportId, dtlsParameters as unknown as types.DtlsParameters);
    return empty;
  }),

  restartIce: inRoom(async ({ room, peer }, { transportId }) => {
    const iceParameters = await room.mediaPeer(peer).restartIce(transportId);
    return { iceParameters } as ResponseOf<'restartIce'>;
  }),

  produce: inRoom(async ({ room, peer }, req) => {
    const refusal = refusePublish(room.session, peer.role, req.source);
    if (refusal) throw new LiveError('forbidden', refusal);
    // A muted classroom may still set up its microphone; it stays paused until the host lets it speak.
    const muted = req.source === 'microphone' && room.mutedAccounts.has(peer.actor.accountId);
    const info = await room.mediaPeer(peer).produce({
      transportId: req.transportId,
      kind: req.kind,
      source: req.source,
      rtpParameters: req.rtpParameters as unknown as types.RtpParameters,
      paused: req.paused || muted,
    });
    if (req.source === 'microphone') peer.micWanted = !req.paused;
    return { producerId: info.id };
  }),

  pauseProducer: inRoom(async ({ room, peer }, { producerId }) => {
    const mediaPeer = room.mediaPeer(peer);
    await mediaPeer.pauseProducer(producerId);
    // The participant turned its microphone off itself: a host's unmute will not turn it back on.
    if (mediaPeer.producers.find((p) => p.id === producerId)?.source === 'microphone') peer.micWanted = false;
    return empty;
  }),

  resumeProducer: inRoom(async ({ room, peer }, { producerId }) => {
    const mediaPeer = room.mediaPeer(peer);
    const mine = mediaPeer.producers.find((p) => p.id === producerId);
    if (mine?.source === 'microphone' && room.mutedAccounts.has(peer.actor.accountId)) {
      throw new LiveError('muted_by_host', 'The teacher muted this classroom; raise your hand to ask to speak');
    }
    await mediaPeer.resumeProducer(producerId);
    if (mine?.source === 'microphone') peer.micWanted = true;
    return empty;
  }),

  closeProducer: inRoom(async ({ room, peer }, { producerId }) => {
    const mediaPeer = room.mediaPeer(peer);
    if (mediaPeer.producers.find((p) => p.id === producerId)?.source === 'microphone') peer.micWanted = false;
    mediaPeer.closeProducer(producerId);
    return empty;
  }),

  consume: inRoom(async ({ room, peer }, { rtpCapabilities }) => {
    if (!peer.recvTransportId) throw new LiveError('validation', 'Create a receive transport before consuming');
    room.mediaPeer(peer).setRtpCapabilities(rtpCapabilities as unknown as types.RtpCapabilities);
    peer.consuming = true;
    await room.ensureConsumers(peer);
    return { consumers: [...peer.consumers.values()] };
  }),

  resumeConsumer: inRoom(async ({ room, peer }, { consumerId }) => {
    await room.mediaPeer(peer).resumeConsumer(consumerId);
    return empty;
  }),

  pauseConsumer: inRoom(async ({ room, peer }, { consumerId }) => {
    await room.mediaPeer(peer).pauseConsumer(consumerId);
    return empty;
  }),

  setPreferredLayers: inRoom(async ({ room, peer }, { consumerId, spatialLayer, temporalLayer }) => {
    await room.mediaPeer(peer).setPreferredLayers(consumerId, { spatialLayer, ...(temporalLayer !== undefined ? { temporalLayer } : {}) });
    return empty;
  }),

  setLowBandwidth: inRoom(async ({ room, peer }, { enabled }) => {
    await room.mediaPeer(peer).setLowBandwidth(enabled);
    return empty;
  }),

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

  startRecording: inRoom(async (ctx) => {
    requireModerator(ctx);
    return ctx.room.startRecording(ctx.actor);
  }),

  stopRecording: inRoom(async (ctx) => {
    requireModerator(ctx);
    return ctx.room.stopRecording();
  }),

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
};

/** Validates a request, runs its handler and validates the answer: what goes into the acknowledgement. */
export async function answerLiveRequest(socket: Socket, actor: Actor, service: LiveService, name: string, raw: unknown): Promise<unknown> {
  if (!(requestNames as readonly string[]).includes(name)) return { error: { code: 'validation', message: `${name}: no such request` } };
  const request = name as RequestName;
  const entry = liveRequests[request];
  const parsed = entry.request.safeParse(raw ?? {});
  if (!parsed.success) return { error: { code: 'validation', message: `${name}: ${describeIssues(parsed.error)}` } };
  try {
    const result = await (handlers[request] as Handler<typeof request>)({ socket, actor, service }, parsed.data as never);
    return entry.response.parse(result);
  } catch (err) {
    return signalingErrorOf(err, service.log, name);
  }
}

/** Registers the live signaling handlers on a connected (authenticated) socket. */
export function bindLiveSocket(socket: Socket, service: LiveService): void {
  const { actor } = socket.data as SocketData;
  for (const name of requestNames) {
    socket.on(requestEvent(name), async (raw: unknown, ack?: unknown) => {
      if (typeof ack !== 'function') return;
      const here = () => answerLiveRequest(socket, actor, service, name, raw);
      // Several nodes: the request goes to the node hosting the socket's lesson (server/cluster/).
      (ack as (answer: unknown) => void)(await (service.cluster ? service.cluster.request(socket, actor, name, raw, here) : here()));
    });
  }
  socket.on('disconnect', () => {
    service.socketGone(socket);
    service.cluster?.socketGone(socket);
  });
}
