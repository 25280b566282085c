/**
 * Internal plumbing between Room, Peer and Recording (not part of the public
 * API: server/live never imports this file).
 */
import type { types } from 'mediasoup';
import type { WorkerPool } from './WorkerPool.ts';
import type { IceServer, MediaLogger, MediaSource, RoomEvents, TransportDirection } from './types.ts';

/** One of a room's routers: the main one (all producers) or an overflow one (consumers only, fed by pipeToRouter). */
export interface RoomRouter {
  readonly router: types.Router;
  readonly worker: types.Worker;
  readonly main: boolean;
  /** Original producer id → its pipe producer on this (overflow) router. */
  readonly pipes: Map<string, Promise<types.Producer>>;
  /** User transports placed on this router (kept after a worker death to know whom it affected). */
  readonly transports: Set<TransportEntry>;
  /** Transports being created on it right now (so an idle router is not closed under them). */
  pending: number;
}

export interface TransportEntry {
  /** The peer it belongs to ('' for a NodePipe's transport: its producers are another node's peers'). */
  readonly peerId: string;
  readonly transport: types.WebRtcTransport | types.PlainTransport | types.PipeTransport;
  readonly direction: TransportDirection;
  readonly home: RoomRouter;
  /** Consumers this transport is expected to carry (a snapshot at creation, for router placement). */
  readonly reserve: number;
  connected: boolean;
  readonly producers: Set<ProducerEntry>;
  readonly consumers: Set<ConsumerEntry>;
}

export interface ProducerEntry {
  readonly peerId: string;
  readonly source: MediaSource;
  readonly producer: types.Producer;
  readonly transport: TransportEntry;
  /** Publishing: not paused, transport connected, not closed. */
  live: boolean;
  /** Consumers of this producer in the room, on any router. */
  readonly consumers: Set<ConsumerEntry>;
}

export interface ConsumerEntry {
  readonly peerId: string;
  readonly consumer: types.Consumer;
  readonly source: MediaSource;
  readonly producer: ProducerEntry;
  readonly transport: TransportEntry;
  /** Receiving: resumed, producer publishing and not paused, transport connected. */
  live: boolean;
  /** Layers asked for by the client (undefined: highest), restored when low-bandwidth mode ends. */
  requestedLayers: types.ConsumerLayers | undefined;
  /** Closed on the peer's own request (no `consumerclosed` then). */
  closing: boolean;
  /** The client asked for it to flow (resumeConsumer, not paused since): what a held video goes back to. */
  wanted: boolean;
}

export interface ResolvedRoomSettings {
  readonly maxConsumersPerRouter: number;
  readonly keyFrameRequestDelayMs: number;
  readonly mediaCodecs: types.RouterRtpCodecCapability[];
  readonly initialAvailableOutgoingBitrate: number;
  readonly maxIncomingBitrate: number;
  readonly lowBandwidthMaxOutgoingBitrate: number;
  readonly audioLevelIntervalMs: number;
  readonly audioLevelThresholdDbov: number;
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
}

/** What a Peer needs from its Room. */
export interface PeerHost {
  readonly roomId: string;
  readonly pool: WorkerPool;
  readonly settings: ResolvedRoomSettings;
  readonly logger: MediaLogger;
  readonly iceServers: readonly IceServer[];
  /** Resolves once the routers are usable (waits out a rebuild); rejects with RoomClosedError. */
  ready(): Promise<void>;
  mainRouter(): RoomRouter;
  /** Picks (or creates) the router for a new receive transport expected to carry `reserve` consumers. */
  routerForRecvTransport(reserve: number): Promise<RoomRouter>;
  /** Makes the producer available on `home` (pipeToRouter when it is an overflow router). */
  pipeProducerTo(home: RoomRouter, producerId: string): Promise<void>;
  findProducer(producerId: string): ProducerEntry | undefined;
  /** How many producers of other peers there are (a new receive transport's expected consumers). */
  consumableProducerCount(peerId: string): number;
  producerAdded(entry: ProducerEntry): void;
  producerRemoved(entry: ProducerEntry): void;
  transportRemoved(entry: TransportEntry): void;
  emit<K extends keyof RoomEvents & string>(event: K, ...args: RoomEvents[K]): void;
}
