import type { types } from 'mediasoup';

/**
 * The contract between the media plane (media/) and its users (server/live/).
 * media/ knows peers and rooms by opaque ids; who a peer is (teacher, classroom)
 * and what they may do is decided by server/live before it calls in here.
 */

/** What a producer carries. A peer has at most one producer per source. */
export type MediaSource = 'camera' | 'microphone' | 'screen' | 'screen-audio';

export interface TransportOptionsForClient {
  readonly id: string;
  readonly iceParameters: types.IceParameters;
  readonly iceCandidates: types.IceCandidate[];
  readonly dtlsParameters: types.DtlsParameters;
  readonly sctpParameters?: types.SctpParameters;
}

export interface ConsumerOptionsForClient {
  readonly id: string;
  readonly producerId: string;
  readonly producerPeerId: string;
  readonly source: MediaSource;
  readonly kind: types.MediaKind;
  readonly rtpParameters: types.RtpParameters;
  readonly type: types.ConsumerType;
  readonly producerPaused: boolean;
}

export interface RoomOptions {
  readonly roomId: string;
  /** Beyond this many consumers on one router, new consumers go to a router on another worker (pipeToRouter). */
  readonly maxConsumersPerRouter?: number;
  /** Minimum interval between key frames requested for one producer on behalf of its many consumers. */
  readonly keyFrameRequestDelayMs?: number;
}

/**
 * Events of a Room: the facts evidence is built from. Times are `Date`s taken
 * when the media plane observed the fact.
 */
export interface RoomEvents extends Record<string, unknown[]> {
  peerjoined: [peerId: string, at: Date];
  peerleft: [peerId: string, at: Date];
  /** A transport's ICE/DTLS reached connected, or lost it (a weak link, a closed laptop). */
  transportconnected: [peerId: string, transportId: string, at: Date];
  transportdisconnected: [peerId: string, transportId: string, at: Date];
  /** A producer is sending media (created and not paused), or stopped (paused or closed). */
  publishingstarted: [peerId: string, source: MediaSource, producerId: string, at: Date];
  publishingstopped: [peerId: string, source: MediaSource, producerId: string, at: Date];
  /** A consumer is receiving (resumed and its producer not paused), or stopped. */
  receivingstarted: [peerId: string, producerPeerId: string, source: MediaSource, consumerId: string, at: Date];
  receivingstopped: [peerId: string, producerPeerId: string, source: MediaSource, consumerId: string, at: Date];
  /** Loudest peer changed (research sessions highlight the speaker). */
  activespeaker: [peerId: string | null, at: Date];
  /** The worker under this room died; the room rebuilt its routers and every peer must re-establish transports. */
  rebuilt: [at: Date];
  closed: [at: Date];
}
