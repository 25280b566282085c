import type { types } from 'mediasoup';
import {
  InvalidMediaArgumentError,
  NoRecordingError,
  PeerExistsError,
  PeerNotFoundError,
  ProducerNotFoundError,
  RecordingInProgressError,
  RoomClosedError,
} from './errors.ts';
import type { PeerHost, ProducerEntry, ResolvedRoomSettings, RoomRouter, TransportEntry } from './internal.ts';
import { NodePipe } from './NodePipe.ts';
import { Peer } from './Peer.ts';
import { Recording, type RecordingOptions } from './Recording.ts';
import { routerCodecs } from './routerCodecs.ts';
import { TypedEmitter } from './TypedEmitter.ts';
import type { AudioLevel, MediaLogger, ProducerInfo, RecordingInfo, RecordingResult, RoomEvents, RoomOptions } from './types.ts';
import type { WorkerPool } from './WorkerPool.ts';

export type { RecordingOptions } from './Recording.ts';

export interface AddPeerOptions {
  /** mediasoup-client `device.rtpCapabilities`; may also come later through peer.setRtpCapabilities(). */
  readonly rtpCapabilities?: types.RtpCapabilities;
  readonly appData?: Record<string, unknown>;
}

export interface RouterInfo {
  readonly id: string;
  readonly workerPid: number;
  readonly main: boolean;
  /** Consumers of peers' receive transports on this router. */
  readonly consumers: number;
  readonly transports: number;
}

const silentLogger: MediaLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Defaults; see RoomOptions for what each means. maxConsumersPerRouter: bench/README.md "fanout". */
export const ROOM_DEFAULTS = {
  maxConsumersPerRouter: 400,
  keyFrameRequestDelayMs: 300,
  initialAvailableOutgoingBitrate: 500_000,
  maxIncomingBitrate: 3_000_000,
  lowBandwidthMaxOutgoingBitrate: 350_000,
  audioLevelIntervalMs: 500,
  audioLevelThresholdDbov: -60,
} as const;

/**
 * One live session's media: a main router (every producer and send transport)
 * on one worker, overflow routers on other workers for receive transports once
 * the main one carries `maxConsumersPerRouter` consumers (fed by
 * pipeToRouter), audio observers, and at most one recording. Emits RoomEvents.
 *
 * If a worker under the room dies, the room rebuilds what it lost and emits
 * `rebuilt` with the peers that must re-establish their transports.
 */
export class Room extends TypedEmitter<RoomEvents> {
  readonly id: string;
  readonly #pool: WorkerPool;
  readonly #settings: ResolvedRoomSettings;
  readonly #logger: MediaLogger;
  readonly #peers = new Map<string, Peer>();
  readonly #producers = new Map<string, ProducerEntry>();
  #routers: RoomRouter[] = [];
  #audioLevelObserver: types.AudioLevelObserver | undefined;
  #activeSpeakerObserver: types.ActiveSpeakerObserver | undefined;
  #activeSpeaker: string | null = null;
  /** The ActiveSpeakerObserver's latest choice (maybe not yet heard). */
  #dominant: string | null = null;
  /** Peers above the audio-level threshold in the latest interval. */
  #audible = new Set<string>();
  #ready: Promise<void> = Promise.resolve();
  #rebuilding = false;
  #routerLock: Promise<unknown> = Promise.resolve();
  #recording: Recording | undefined;
  #recordingStarting = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #host: PeerHost;

  private constructor(pool: WorkerPool, options: RoomOptions, settings: ResolvedRoomSettings) {
    super();
    this.id = options.roomId;
    this.#pool = pool;
    this.#settings = settings;
    this.#logger = options.logger ?? silentLogger;
    this.#host = this.#makeHost();
  }

  static async create(pool: WorkerPool, options: RoomOptions): Promise<Room> {
    if (!options || typeof options.roomId !== 'string' || options.roomId === '') throw new InvalidMediaArgumentError('roomId must be a non-empty string');
    const room = new Room(pool, options, resolveSettings(options));
    await room.#buildMain();
    return room;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** What clients load their mediasoup-client Device with (the same after a rebuild). */
  get rtpCapabilities(): types.RtpCapabilities {
    return this.#main().router.rtpCapabilities;
  }

  get settings(): ResolvedRoomSettings {
    return this.#settings;
  }

  get peers(): Peer[] {
    return [...this.#peers.values()];
  }

  get activeSpeaker(): string | null {
    return this.#activeSpeaker;
  }

  get recording(): RecordingInfo | undefined {
    return this.#recording?.info;
  }

  get routers(): RouterInfo[] {
    return this.#routers.map((rr) => ({
      id: rr.router.id,
      workerPid: rr.worker.pid,
      main: rr.main,
      consumers: countConsumers(rr),
      transports: rr.transports.size,
    }));
  }

  /**
   * One end of a pipe to the same lesson's room on another node (NodePipe): the host
   * node sends its producers through it, an edge node receives them as producers of
   * this room that its own peers consume.
   */
  openPipe(): Promise<NodePipe> {
    this.#assertOpen();
    return NodePipe.open(this.#host);
  }

  /** Resolves once the room is usable (after a rebuild in progress). */
  whenReady(): Promise<void> {
    return this.#host.ready();
  }

  // ── peers ────────────────────────────────────────────────────────────────

  addPeer(peerId: string, options: AddPeerOptions = {}): Peer {
    this.#assertOpen();
    if (typeof peerId !== 'string' || peerId === '') throw new InvalidMediaArgumentError('peerId must be a non-empty string');
    if (this.#peers.has(peerId)) throw new PeerExistsError(peerId);
    const peer = new Peer(this.#host, peerId, options);
    this.#peers.set(peerId, peer);
    this.emit('peerjoined', peerId, peer.joinedAt);
    return peer;
  }

  hasPeer(peerId: string): boolean {
    return this.#peers.has(peerId);
  }

  getPeer(peerId: string): Peer {
    if (typeof peerId !== 'string' || peerId === '') throw new InvalidMediaArgumentError('peerId must be a non-empty string');
    const peer = this.#peers.get(peerId);
    if (!peer) throw new PeerNotFoundError(peerId);
    return peer;
  }

  /** Closes the peer's transports (publishing/receiving stop), then `peerleft`. */
  removePeer(peerId: string): void {
    const peer = this.getPeer(peerId);
    this.#peers.delete(peerId);
    peer.close();
    this.emit('peerleft', peerId, new Date());
  }

  /** Every producer in the room (what a newcomer can consume). */
  listProducers(): ProducerInfo[] {
    return [...this.#producers.values()].map((pe) => ({
      id: pe.producer.id,
      peerId: pe.peerId,
      source: pe.source,
      kind: pe.producer.kind,
      type: pe.producer.type,
      paused: pe.producer.paused,
    }));
  }

  /** Latest audio level per peer (dBov) among peers heard above the threshold. */
  audioLevels(): Map<string, { volume: number; at: Date }> {
    const out = new Map<string, { volume: number; at: Date }>();
    for (const peer of this.#peers.values()) if (peer.audioLevel) out.set(peer.id, { ...peer.audioLevel });
    return out;
  }

  // ── recording ────────────────────────────────────────────────────────────

  /**
   * Records up to one video and one audio producer to `directory` with ffmpeg.
   * Emits `recordingstarted`; the returned info holds the file path.
   */
  async startRecording(options: RecordingOptions): Promise<RecordingInfo> {
    this.#assertOpen();
    if (!options || !Array.isArray(options.producers)) throw new InvalidMediaArgumentError('startRecording() needs { directory, producers: [producerId…] }');
    if (this.#recording && !this.#recording.stopping) throw new RecordingInProgressError(this.#recording.info.path);
    if (this.#recordingStarting) throw new RecordingInProgressError('(starting)');
    const producers = options.producers.map((id) => {
      const pe = typeof id === 'string' ? this.#producers.get(id) : undefined;
      if (!pe) throw new ProducerNotFoundError(String(id));
      return pe;
    });
    Recording.plan(producers, options.format);
    await this.#host.ready();
    this.#recordingStarting = true;
    let started = false;
    try {
      const recording = await Recording.start({
        roomId: this.id,
        home: this.#main(),
        producers,
        options,
        ffmpegPath: this.#settings.ffmpegPath,
        ffprobePath: this.#settings.ffprobePath,
        logger: this.#logger,
        onEnd: (result) => {
          if (this.#recording === recording) this.#recording = undefined;
          if (!started) return;
          if (result.reason !== 'stopped') this.#logger.warn({ roomId: this.id, path: result.path, reason: result.reason, error: result.error }, 'recording ended');
          this.emit('recordingstopped', result, result.stoppedAt);
        },
      });
      this.#recording = recording;
      started = true;
      this.emit('recordingstarted', recording.info, recording.info.startedAt);
      return recording.info;
    } finally {
      this.#recordingStarting = false;
    }
  }

  /** Finalises the recording (ffmpeg writes its trailer) and resolves with the file's path and duration. */
  async stopRecording(): Promise<RecordingResult> {
    const recording = this.#recording;
    if (!recording) throw new NoRecordingError(this.id);
    return recording.stop('stopped');
  }

  // ── lifecycle ────────────────────────────────────────────────────────────

  /**
   * Ends the room: the recording is finalised (`recordingstopped`), every
   * peer's transports close (publishing/receiving stop, `peerleft` for each),
   * routers close, `closed`.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    // First, while media still flows, so ffmpeg finishes the file cleanly.
    if (this.#recording) await this.#recording.stop('room-closed').catch(() => undefined);
    for (const peer of [...this.#peers.values()]) {
      this.#peers.delete(peer.id);
      peer.close();
      this.emit('peerleft', peer.id, new Date());
    }
    for (const rr of [...this.#routers].reverse()) rr.router.close();
    this.#routers = [];
    this.emit('closed', new Date());
    this.removeAllListeners();
  }

  #assertOpen(): void {
    if (this.#closed) throw new RoomClosedError(this.id);
  }

  #main(): RoomRouter {
    const main = this.#routers[0];
    if (!main || !main.main || main.router.closed) {
      if (this.#closed) throw new RoomClosedError(this.id);
      throw new Error(`room ${this.id} has no main router (rebuilding)`);
    }
    return main;
  }

  // ── routers ──────────────────────────────────────────────────────────────

  async #createRouter(worker: types.Worker, main: boolean): Promise<RoomRouter> {
    const router = await worker.createRouter({ mediaCodecs: this.#settings.mediaCodecs, appData: { roomId: this.id, main } });
    const rr: RoomRouter = { router, worker, main, pipes: new Map(), transports: new Set(), pending: 0 };
    router.on('workerclose', () => this.#onRouterLost(rr));
    return rr;
  }

  async #buildMain(): Promise<void> {
    const worker = await this.#pool.whenWorkerAvailable();
    const rr = await this.#createRouter(worker, true);
    if (this.#closed) {
      rr.router.close();
      throw new RoomClosedError(this.id);
    }
    const { audioLevelIntervalMs, audioLevelThresholdDbov } = this.#settings;
    const audioLevel = await rr.router.createAudioLevelObserver({ maxEntries: 100, threshold: audioLevelThresholdDbov, interval: audioLevelIntervalMs });
    const activeSpeaker = await rr.router.createActiveSpeakerObserver({ interval: 300 });
    audioLevel.on('volumes', (volumes) => {
      const at = new Date();
      const levels: AudioLevel[] = [];
      for (const { producer, volume } of volumes) {
        const pe = this.#producers.get(producer.id);
        if (!pe) continue;
        levels.push({ peerId: pe.peerId, source: pe.source, producerId: producer.id, volume });
        this.#peers.get(pe.peerId)?.setAudioLevel(volume, at);
      }
      this.#audible = new Set(levels.map((l) => l.peerId));
      this.emit('audiolevels', levels, at);
      // The observer's choice, held back until that peer was heard (see below), is confirmed now.
      if (this.#dominant && this.#dominant !== this.#activeSpeaker && levels.some((l) => l.peerId === this.#dominant)) {
        this.#setActiveSpeaker(this.#dominant);
      }
    });
    audioLevel.on('silence', () => {
      this.#audible = new Set();
      this.emit('audiolevels', [], new Date());
    });
    activeSpeaker.on('dominantspeaker', ({ producer }) => {
      const peerId = this.#producers.get(producer.id)?.peerId ?? null;
      this.#dominant = peerId;
      // mediasoup names some microphone even in silence (the only one left, or the first of
      // several): only a peer audible in the latest audio-level interval counts as speaking.
      if (peerId && this.#audible.has(peerId)) this.#setActiveSpeaker(peerId);
    });
    this.#audioLevelObserver = audioLevel;
    this.#activeSpeakerObserver = activeSpeaker;
    this.#routers = [rr, ...this.#routers.filter((r) => !r.main)];
  }

  #setActiveSpeaker(peerId: string | null): void {
    if (peerId === this.#activeSpeaker) return;
    this.#activeSpeaker = peerId;
    this.emit('activespeaker', peerId, new Date());
  }

  /** Load of a router for placement: each receive transport counts its consumers, at least what it reserved. */
  #load(rr: RoomRouter): number {
    let load = 0;
    for (const te of rr.transports) if (te.direction === 'recv') load += Math.max(te.consumers.size, te.reserve);
    return load;
  }

  #routerForRecvTransport(reserve: number): Promise<RoomRouter> {
    // Serialised so that concurrent joins see each other's reservations and create one overflow router, not several.
    const next = this.#routerLock.then(async () => {
      await this.#host.ready();
      const max = this.#settings.maxConsumersPerRouter;
      const usable = this.#routers.filter((rr) => !rr.router.closed);
      for (const rr of usable) {
        const load = this.#load(rr);
        if (load === 0 || load + reserve <= max) return rr;
      }
      const used = new Set(usable.map((rr) => rr.worker));
      const worker = this.#pool.leastLoaded(used);
      if (!worker) {
        // Every worker already carries a router of this room: the least loaded takes it over its limit.
        this.#logger.warn({ roomId: this.id, max }, 'every worker hosts a router of this room; exceeding maxConsumersPerRouter');
        return usable.reduce((a, b) => (this.#load(b) < this.#load(a) ? b : a));
      }
      const rr = await this.#createRouter(worker, false);
      if (this.#closed) {
        rr.router.close();
        throw new RoomClosedError(this.id);
      }
      this.#routers.push(rr);
      this.#logger.info({ roomId: this.id, routerId: rr.router.id, workerPid: worker.pid }, 'overflow router created');
      return rr;
    });
    this.#routerLock = next.catch(() => undefined);
    return next;
  }

  async #pipeProducerTo(home: RoomRouter, producerId: string): Promise<void> {
    if (home.main) return;
    let pipe = home.pipes.get(producerId);
    if (!pipe) {
      const main = this.#main();
      pipe = main.router
        .pipeToRouter({ producerId, router: home.router, listenInfo: { protocol: 'udp', ip: '127.0.0.1' } })
        .then(({ pipeProducer }) => {
          if (!pipeProducer) throw new ProducerNotFoundError(producerId);
          pipeProducer.observer.once('close', () => home.pipes.delete(producerId));
          return pipeProducer;
        });
      home.pipes.set(producerId, pipe);
      pipe.catch(() => home.pipes.delete(producerId));
    }
    await pipe;
  }

  /** A transport of a peer closed: an overflow router left with none is closed. */
  #transportRemoved(entry: TransportEntry): void {
    const rr = entry.home;
    if (rr.main || rr.router.closed || rr.transports.size > 0 || rr.pending > 0) return;
    this.#routers = this.#routers.filter((r) => r !== rr);
    rr.router.close();
  }

  /** A router closed because its worker went away. */
  #onRouterLost(rr: RoomRouter): void {
    if (this.#closed) return;
    if (!rr.worker.died) {
      // The pool is shutting down.
      void this.close();
      return;
    }
    const affected = new Set<string>();
    if (rr.main) {
      if (this.#rebuilding) return;
      for (const id of this.#peers.keys()) affected.add(id);
      this.#rebuilding = true;
      this.#audioLevelObserver = undefined;
      this.#activeSpeakerObserver = undefined;
      this.#dominant = null;
      this.#setActiveSpeaker(null);
      const others = this.#routers.filter((r) => r !== rr);
      this.#routers = [];
      // Consumers on overflow routers only carried the main router's producers: they are gone too.
      for (const other of others) other.router.close();
      this.#logger.error({ roomId: this.id, workerPid: rr.worker.pid }, 'worker of the main router died; rebuilding the room');
      const rebuild = this.#buildMain();
      this.#ready = rebuild;
      rebuild.then(
        () => {
          this.#rebuilding = false;
          this.emit('rebuilt', new Date(), [...affected]);
        },
        (err: unknown) => {
          this.#rebuilding = false;
          this.#logger.error({ roomId: this.id, err }, 'room rebuild failed; closing the room');
          void this.close();
        },
      );
    } else {
      for (const te of rr.transports) affected.add(te.peerId);
      this.#routers = this.#routers.filter((r) => r !== rr);
      this.#logger.error({ roomId: this.id, workerPid: rr.worker.pid }, 'worker of an overflow router died');
      // Nothing to rebuild: the affected peers' next receive transports go to a router of a live worker.
      queueMicrotask(() => this.emit('rebuilt', new Date(), [...affected]));
    }
  }

  #makeHost(): PeerHost {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const room = this;
    return {
      roomId: this.id,
      pool: this.#pool,
      settings: this.#settings,
      logger: this.#logger,
      get iceServers() {
        return room.#pool.network.iceServers;
      },
      ready: async () => {
        if (this.#closed) throw new RoomClosedError(this.id);
        await this.#ready;
        if (this.#closed) throw new RoomClosedError(this.id);
      },
      mainRouter: () => this.#main(),
      routerForRecvTransport: (reserve) => this.#routerForRecvTransport(reserve),
      pipeProducerTo: (home, producerId) => this.#pipeProducerTo(home, producerId),
      findProducer: (producerId) => this.#producers.get(producerId),
      consumableProducerCount: (peerId) => {
        let n = 0;
        for (const pe of this.#producers.values()) if (pe.peerId !== peerId) n++;
        return n;
      },
      producerAdded: (pe) => {
        this.#producers.set(pe.producer.id, pe);
        // A producer piped in from another node is heard (speaker, levels) on the node it comes from.
        if (pe.producer.kind === 'audio' && pe.transport.transport.type !== 'pipe') {
          for (const observer of [this.#audioLevelObserver, this.#activeSpeakerObserver]) {
            void observer?.addProducer({ producerId: pe.producer.id }).catch(() => undefined);
          }
        }
      },
      producerRemoved: (pe) => {
        this.#producers.delete(pe.producer.id);
        if (pe.producer.kind === 'audio') {
          const stillHasAudio = [...this.#producers.values()].some((p) => p.peerId === pe.peerId && p.producer.kind === 'audio');
          if (!stillHasAudio && this.#dominant === pe.peerId) this.#dominant = null;
          if (!stillHasAudio && this.#activeSpeaker === pe.peerId) this.#setActiveSpeaker(null);
        }
      },
      transportRemoved: (entry) => this.#transportRemoved(entry),
      emit: (event, ...args) => this.emit(event, ...args),
    };
  }
}

function countConsumers(rr: RoomRouter): number {
  let n = 0;
  for (const te of rr.transports) n += te.consumers.size;
  return n;
}

function resolveSettings(options: RoomOptions): ResolvedRoomSettings {
  const int = (value: number | undefined, fallback: number, name: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < min || v > max) throw new InvalidMediaArgumentError(`${name} must be an integer in ${min}…${max} (got ${String(value)})`);
    return v;
  };
  return {
    maxConsumersPerRouter: int(options.maxConsumersPerRouter, ROOM_DEFAULTS.maxConsumersPerRouter, 'maxConsumersPerRouter', 1),
    keyFrameRequestDelayMs: int(options.keyFrameRequestDelayMs, ROOM_DEFAULTS.keyFrameRequestDelayMs, 'keyFrameRequestDelayMs', 0, 60_000),
    mediaCodecs: routerCodecs(options.videoCodecs),
    initialAvailableOutgoingBitrate: int(options.initialAvailableOutgoingBitrate, ROOM_DEFAULTS.initialAvailableOutgoingBitrate, 'initialAvailableOutgoingBitrate', 30_000),
    maxIncomingBitrate: int(options.maxIncomingBitrate, ROOM_DEFAULTS.maxIncomingBitrate, 'maxIncomingBitrate', 0),
    lowBandwidthMaxOutgoingBitrate: int(options.lowBandwidthMaxOutgoingBitrate, ROOM_DEFAULTS.lowBandwidthMaxOutgoingBitrate, 'lowBandwidthMaxOutgoingBitrate', 30_000),
    audioLevelIntervalMs: int(options.audioLevelIntervalMs, ROOM_DEFAULTS.audioLevelIntervalMs, 'audioLevelIntervalMs', 100, 60_000),
    audioLevelThresholdDbov: int(options.audioLevelThresholdDbov, ROOM_DEFAULTS.audioLevelThresholdDbov, 'audioLevelThresholdDbov', -127, 0),
    ffmpegPath: options.ffmpegPath ?? 'ffmpeg',
    ffprobePath: options.ffprobePath ?? 'ffprobe',
  };
}
