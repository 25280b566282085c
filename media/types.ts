import type { types } from 'mediasoup';

/**
 * The contract between the media plane (media/) and its users (server/live/).
 * media/ knows peers and rooms by opaque ids; who a peer is (teacher, classroom)
 * and what they may do is decided by server/live before it calls in here.
 */

/** What a producer carries. A peer has at most one producer per source. */
export type MediaSource = 'camera' | 'microphone' | 'screen' | 'screen-audio';

export const MEDIA_SOURCES: readonly MediaSource[] = ['camera', 'microphone', 'screen', 'screen-audio'];

/** The media kind each source must carry. */
export const SOURCE_KIND: Readonly<Record<MediaSource, types.MediaKind>> = {
  camera: 'video',
  microphone: 'audio',
  screen: 'video',
  'screen-audio': 'audio',
};

/** A STUN/TURN server for clients (RTCIceServer). */
export interface IceServer {
  readonly urls: string | string[];
  readonly username?: string | undefined;
  readonly credential?: string | undefined;
}

/** Whether a transport carries media from the client (send) or to it (recv). */
export type TransportDirection = 'send' | 'recv';

/**
 * What the client passes to mediasoup-client's `device.createSendTransport()` /
 * `createRecvTransport()` as is.
 */
export interface TransportOptionsForClient {
  readonly id: string;
  readonly iceParameters: types.IceParameters;
  readonly iceCandidates: types.IceCandidate[];
  readonly dtlsParameters: types.DtlsParameters;
  readonly sctpParameters?: types.SctpParameters;
  /**
   * The pool's configured TURN/STUN servers (MediaNetworkOptions.iceServers),
   * empty when none; server/live may hand out per-account TURN credentials instead.
   */
  readonly iceServers: IceServer[];
}

/** What the client passes to mediasoup-client's `recvTransport.consume()` (id, producerId, kind, rtpParameters), plus display facts. */
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
  /**
   * Beyond this many consumers on one router, new receive transports go to a
   * router on another worker, fed through pipeToRouter. Default 400.
   */
  readonly maxConsumersPerRouter?: number;
  /**
   * Minimum interval between key frames requested from one video producer on
   * behalf of its many consumers (mediasoup `keyFrameRequestDelay`). Default 300: a receiver
   * asking within that time of another waits for the window's end, so the delay adds to a
   * page's first frame (bench/README.md "join"); 300 ms still holds the teacher's encoder to
   * about three key frames a second per layer at the morning bell.
   */
  readonly keyFrameRequestDelayMs?: number;
  /** Router video codecs in order of preference. Default ['VP8', 'H264']; 'VP9' optional. */
  readonly videoCodecs?: readonly VideoCodecName[];
  /** Bitrate mediasoup assumes a receive link has before bandwidth estimation knows better. Default 500 kbps (lowest layer + audio fit a weak rural link). */
  readonly initialAvailableOutgoingBitrate?: number;
  /** Cap on what one send transport may push in (the sender's BWE is told). Default 3 Mbps. */
  readonly maxIncomingBitrate?: number;
  /** Outgoing cap applied to a peer's receive transports in low-bandwidth mode. Default 350 kbps. */
  readonly lowBandwidthMaxOutgoingBitrate?: number;
  /** Audio-level sampling interval (ms) for `audiolevels` / activity. Default 500. */
  readonly audioLevelIntervalMs?: number;
  /** Audio louder than this (dBov, −127…0) counts as sound in `audiolevels`. Default −60. */
  readonly audioLevelThresholdDbov?: number;
  /** Where ffmpeg and ffprobe are (Debian's by default: found on PATH). */
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  /** Receives diagnostics (pino-compatible). Default: silent. */
  readonly logger?: MediaLogger;
}

export type VideoCodecName = 'VP8' | 'VP9' | 'H264';

/** A pino-compatible logger subset. */
export interface MediaLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A producer as the room lists it (for late joiners: what is there to consume). */
export interface ProducerInfo {
  readonly id: string;
  readonly peerId: string;
  readonly source: MediaSource;
  readonly kind: types.MediaKind;
  readonly type: types.ProducerType;
  readonly paused: boolean;
}

/** One peer's loudness in the last audio-level interval. */
export interface AudioLevel {
  readonly peerId: string;
  readonly source: MediaSource;
  readonly producerId: string;
  /** dBov, −127 (silence) … 0 (loudest). */
  readonly volume: number;
}

export interface RecordingInfo {
  readonly id: string;
  /** Absolute path of the file being written. */
  readonly path: string;
  readonly format: 'webm' | 'mp4';
  readonly producerIds: readonly string[];
  readonly startedAt: Date;
}

export interface RecordingResult extends RecordingInfo {
  readonly stoppedAt: Date;
  /** Media duration of the finished file (ffprobe), else wall-clock time recorded. */
  readonly durationSeconds: number;
  /** Why the recording ended if not by stopRecording(): 'producers-closed', 'worker-died', 'ffmpeg-exited', 'room-closed'. */
  readonly reason: 'stopped' | 'producers-closed' | 'worker-died' | 'ffmpeg-exited' | 'room-closed';
  readonly error?: string;
}

/**
 * Events of a Room: the facts evidence is built from. Times are `Date`s taken
 * when the media plane observed the fact.
 */
export interface RoomEvents extends Record<string, unknown[]> {
  peerjoined: [peerId: string, at: Date];
  peerleft: [peerId: string, at: Date];
  /*
   * Intervals nest: receiving lies within the producer's publishing and the
   * receiver's transport connection; publishing within the sender's transport
   * connection. So at one instant stops come innermost first (receivingstopped,
   * publishingstopped, transportdisconnected) and starts outermost first. A
   * worker death closes every open interval at the moment it is observed, before
   * `rebuilt`; removePeer()/close() close them before `peerleft`/`closed`.
   */
  /** A transport's ICE/DTLS reached connected (plain transports: the remote address is known), or lost it (a weak link, a closed laptop, closed). */
  transportconnected: [peerId: string, transportId: string, at: Date];
  transportdisconnected: [peerId: string, transportId: string, at: Date];
  /** A producer is sending media (not paused and its transport connected), or stopped (paused, disconnected or closed). */
  publishingstarted: [peerId: string, source: MediaSource, producerId: string, at: Date];
  publishingstopped: [peerId: string, source: MediaSource, producerId: string, at: Date];
  /** A consumer is receiving (resumed, its producer not paused, its transport connected), or stopped. */
  receivingstarted: [peerId: string, producerPeerId: string, source: MediaSource, consumerId: string, at: Date];
  receivingstopped: [peerId: string, producerPeerId: string, source: MediaSource, consumerId: string, at: Date];
  /** Loudest peer changed (research sessions highlight the speaker); null when the speaker stopped publishing audio. */
  activespeaker: [peerId: string | null, at: Date];
  /** Every `audioLevelIntervalMs`: the peers whose audio was above the threshold (empty: silence). */
  audiolevels: [levels: readonly AudioLevel[], at: Date];
  /**
   * A worker under this room died; the room rebuilt its routers. The peers in
   * `peerIds` lost their transports, producers and consumers (all peers when the
   * main router died) and must re-establish them; they keep their identity.
   */
  rebuilt: [at: Date, peerIds: readonly string[]];
  /** Signaling facts (not evidence): tell clients what to consume or drop. */
  newproducer: [producer: ProducerInfo, at: Date];
  producerclosed: [peerId: string, source: MediaSource, producerId: string, at: Date];
  producerpaused: [peerId: string, source: MediaSource, producerId: string, at: Date];
  producerresumed: [peerId: string, source: MediaSource, producerId: string, at: Date];
  /** A consumer ended without its peer asking (its producer or transport closed). */
  consumerclosed: [peerId: string, consumerId: string, at: Date];
  /** The simulcast/SVC layer a consumer forwards changed (undefined: none, e.g. bandwidth too low). */
  consumerlayerschanged: [peerId: string, consumerId: string, layers: types.ConsumerLayers | undefined, at: Date];
  recordingstarted: [recording: RecordingInfo, at: Date];
  recordingstopped: [recording: RecordingResult, at: Date];
  closed: [at: Date];
}
