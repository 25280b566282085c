import type { types } from 'mediasoup';
import type { Direction, TransportOptions } from '../../shared/signaling/live.ts';
import type { ResponseOf } from '../../shared/signaling/protocol.ts';
import { refusePublish } from './access.ts';
import { LiveError } from './errors.ts';
import { empty, inRoom, type HandlerTable } from './handlers.ts';
import type { LiveRoom, Participant } from './LiveRoom.ts';

/**
 * Opens this participant's transport of `direction`; one per direction, so a new one replaces
 * the old (the client rebuilt its side). `createTransport` and a join that opens its transports
 * (`join.transports`) both come here.
 */
export async function openTransport(room: LiveRoom, peer: Participant, direction: Direction): Promise<TransportOptions> {
  const mediaPeer = room.mediaPeer(peer);
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
  return { id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters } as TransportOptions;
}

/** Transports, producers and consumers: the requests mediasoup-client makes through LiveClient. */
export const mediaHandlers = {
  createTransport: inRoom(async ({ room, peer }, { direction }) => {
    if (direction === 'send' && room.permissions(peer).publish.length === 0) {
      throw new LiveError('forbidden', 'You receive only in this session: no send transport');
    }
    return openTransport(room, peer, direction);
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
} satisfies Partial<HandlerTable>;
