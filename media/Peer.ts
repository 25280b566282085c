import { errors as mediasoupErrors, type types } from 'mediasoup';
import {
  ConsumerNotFoundError,
  creatingTransport,
  InvalidMediaArgumentError,
  ProducerNotFoundError,
  RoomClosedError,
  SourceAlreadyPublishedError,
  TransportNotFoundError,
} from './errors.ts';
import type { ConsumerEntry, PeerHost, ProducerEntry, RoomRouter, TransportEntry } from './internal.ts';
import {
  MEDIA_SOURCES,
  SOURCE_KIND,
  type ConsumerOptionsForClient,
  type MediaSource,
  type ProducerInfo,
  type TransportDirection,
  type TransportOptionsForClient,
} from './types.ts';

export interface CreateWebRtcTransportOptions {
  readonly direction: TransportDirection;
  /** Offer TCP candidates only (networks that block UDP or drop it heavily). */
  readonly forceTcp?: boolean;
  /** Send transports: cap on incoming bitrate (default RoomOptions.maxIncomingBitrate). */
  readonly maxIncomingBitrate?: number;
  /** Receive transports: starting estimate (default RoomOptions.initialAvailableOutgoingBitrate). */
  readonly initialAvailableOutgoingBitrate?: number;
}

export interface CreatePlainTransportOptions {
  readonly direction: TransportDirection;
  /** Learn the remote address from the first packet (ffmpeg/GStreamer senders). Default false. */
  readonly comedia?: boolean;
  /** RTP and RTCP on one port. Default true. */
  readonly rtcpMux?: boolean;
  readonly enableSrtp?: boolean;
}

/** Where a plain RTP endpoint sends to (or, comedia, from where it will be learned). */
export interface PlainTransportInfo {
  readonly id: string;
  readonly ip: string;
  readonly port: number;
  readonly rtcpPort: number | undefined;
  readonly srtpParameters: types.SrtpParameters | undefined;
}

export interface ConnectPlainTransportOptions {
  readonly ip: string;
  readonly port: number;
  readonly rtcpPort?: number;
  readonly srtpParameters?: types.SrtpParameters;
}

export interface ProduceOptions {
  readonly transportId: string;
  readonly kind: types.MediaKind;
  readonly rtpParameters: types.RtpParameters;
  readonly source: MediaSource;
  readonly paused?: boolean;
}

export interface ConsumeOptions {
  readonly producerId: string;
  /** A receive transport of this peer; default the one created last. */
  readonly transportId?: string;
  /** Default: the capabilities given to addPeer()/setRtpCapabilities(). */
  readonly rtpCapabilities?: types.RtpCapabilities;
  /** Simulcast/SVC: the layers to aim for (bandwidth permitting). Default highest; spatial 0 in low-bandwidth mode. */
  readonly preferredLayers?: types.ConsumerLayers;
  /** 1–255; default by source (microphone 255, screen-audio 200, screen 2, camera 1): audio first on a weak link. */
  readonly priority?: number;
}

export interface TransportInfo {
  readonly id: string;
  readonly type: 'webrtc' | 'plain';
  readonly direction: TransportDirection;
  readonly connected: boolean;
  readonly routerId: string;
  readonly workerPid: number;
  /** On the room's main router (false: an overflow router fed by pipeToRouter). */
  readonly mainRouter: boolean;
}

export interface ConsumerInfo {
  readonly id: string;
  readonly producerId: string;
  readonly producerPeerId: string;
  readonly source: MediaSource;
  readonly kind: types.MediaKind;
  readonly type: types.ConsumerType;
  readonly transportId: string;
  readonly paused: boolean;
  readonly producerPaused: boolean;
  readonly receiving: boolean;
  readonly priority: number;
  readonly preferredLayers: types.ConsumerLayers | undefined;
  readonly currentLayers: types.ConsumerLayers | undefined;
}

/** Default consumer priorities: when bandwidth is short, audio first, then the screen (slides, the blackboard), then faces. */
export const DEFAULT_PRIORITY: Readonly<Record<MediaSource, number>> = {
  microphone: 255,
  'screen-audio': 200,
  screen: 2,
  camera: 1,
};

/**
 * mediasoup-client 3.18.7 lists abs-capture-time in a producer's RTP parameters
 * although Chromium does not send it; the worker, told it was negotiated, then
 * cannot align simulcast streams and never switches layers. We drop it.
 */
const UNSENT_HEADER_EXTENSIONS = new Set(['http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time']);

const HIGHEST: types.ConsumerLayers = { spatialLayer: 255, temporalLayer: 255 };

/**
 * One participant of a room (a teacher's computer, a classroom's box). Created
 * by `room.addPeer()`; keeps its identity across a room rebuild, while its
 * transports, producers and consumers are gone after one.
 */
export class Peer {
  readonly id: string;
  readonly joinedAt: Date;
  readonly #host: PeerHost;
  readonly #transports = new Map<string, TransportEntry>();
  readonly #producers = new Map<string, ProducerEntry>();
  readonly #consumers = new Map<string, ConsumerEntry>();
  readonly #pendingSources = new Set<MediaSource>();
  #rtpCapabilities: types.RtpCapabilities | undefined;
  #lastRecvTransportId: string | undefined;
  #lowBandwidth = false;
  #videoHeld = false;
  #audioLevel: { volume: number; at: Date } | undefined;
  #closed = false;
  appData: Record<string, unknown>;

  /** @internal use room.addPeer() */
  constructor(host: PeerHost, id: string, options: { rtpCapabilities?: types.RtpCapabilities; appData?: Record<string, unknown> } = {}) {
    this.#host = host;
    this.id = id;
    this.joinedAt = new Date();
    if (options.rtpCapabilities) this.setRtpCapabilities(options.rtpCapabilities);
    this.appData = options.appData ?? {};
  }

  get closed(): boolean {
    return this.#closed;
  }

  get rtpCapabilities(): types.RtpCapabilities | undefined {
    return this.#rtpCapabilities;
  }

  /** The device's capabilities (mediasoup-client `device.rtpCapabilities`), needed before consume(). */
  setRtpCapabilities(rtpCapabilities: types.RtpCapabilities): void {
    if (!rtpCapabilities || typeof rtpCapabilities !== 'object' || !Array.isArray(rtpCapabilities.codecs)) {
      throw new InvalidMediaArgumentError('rtpCapabilities must be an object with a codecs array');
    }
    this.#rtpCapabilities = rtpCapabilities;
  }

  get lowBandwidth(): boolean {
    return this.#lowBandwidth;
  }

  /** Latest audio level of this peer's microphone (dBov) and when it was seen above the threshold. */
  get audioLevel(): { readonly volume: number; readonly at: Date } | undefined {
    return this.#audioLevel;
  }

  /** @internal */
  setAudioLevel(volume: number, at: Date): void {
    this.#audioLevel = { volume, at };
  }

  // ── transports ────────────────────────────────────────────────────────────

  async createWebRtcTransport(options: CreateWebRtcTransportOptions): Promise<TransportOptionsForClient> {
    this.#assertOpen();
    const direction = checkDirection(options?.direction);
    const maxIncoming = optionalBitrate(options.maxIncomingBitrate, 'maxIncomingBitrate') ?? this.#host.settings.maxIncomingBitrate;
    const initialOutgoing =
      optionalBitrate(options.initialAvailableOutgoingBitrate, 'initialAvailableOutgoingBitrate') ?? this.#host.settings.initialAvailableOutgoingBitrate;
    const forceTcp = options.forceTcp === true;
    await this.#host.ready();
    this.#assertOpen();
    const reserve = direction === 'recv' ? Math.max(1, this.#host.consumableProducerCount(this.id)) : 0;
    const home = direction === 'send' ? this.#host.mainRouter() : await this.#host.routerForRecvTransport(reserve);
    home.pending++;
    let transport: types.WebRtcTransport;
    try {
      const pool = this.#host.pool;
      const webRtcServer = pool.webRtcServerOf(home.worker);
      const appData = { peerId: this.id, direction };
      const common = {
        enableUdp: !forceTcp,
        enableTcp: true,
        preferUdp: !forceTcp,
        initialAvailableOutgoingBitrate: initialOutgoing,
        appData,
      };
      transport = await creatingTransport(() =>
        webRtcServer
          ? home.router.createWebRtcTransport({ ...common, webRtcServer })
          : home.router.createWebRtcTransport({
              ...common,
              listenInfos: forceTcp ? [pool.listenInfo('tcp')] : [pool.listenInfo('udp'), pool.listenInfo('tcp')],
            }),
      );
      if (direction === 'send' && maxIncoming > 0) await transport.setMaxIncomingBitrate(maxIncoming);
      if (direction === 'recv' && this.#lowBandwidth) await transport.setMaxOutgoingBitrate(this.#host.settings.lowBandwidthMaxOutgoingBitrate).catch(() => undefined);
    } finally {
      home.pending--;
    }
    if (this.#closed || transport.closed) {
      transport.close();
      throw this.#closed ? new RoomClosedError(this.#host.roomId) : new TransportNotFoundError(transport.id);
    }
    this.#addTransport(transport, direction, home, reserve);
    const iceServers = this.#host.iceServers.map((s) => ({ ...s, urls: Array.isArray(s.urls) ? [...s.urls] : s.urls }));
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      ...(transport.sctpParameters ? { sctpParameters: transport.sctpParameters } : {}),
      iceServers,
    };
  }

  /**
   * A plain RTP transport: a hardware encoder or ffmpeg in a classroom (send),
   * or a gateway/recorder (recv). Evidence events treat it like any transport;
   * it counts as connected once the remote address is known.
   */
  async createPlainTransport(options: CreatePlainTransportOptions): Promise<PlainTransportInfo> {
    this.#assertOpen();
    const direction = checkDirection(options?.direction);
    await this.#host.ready();
    this.#assertOpen();
    const reserve = direction === 'recv' ? Math.max(1, this.#host.consumableProducerCount(this.id)) : 0;
    const home = direction === 'send' ? this.#host.mainRouter() : await this.#host.routerForRecvTransport(reserve);
    home.pending++;
    let transport: types.PlainTransport;
    try {
      transport = await creatingTransport(() =>
        home.router.createPlainTransport({
          listenInfo: this.#host.pool.listenInfo('udp'),
          rtcpMux: options.rtcpMux ?? true,
          comedia: options.comedia ?? false,
          enableSrtp: options.enableSrtp ?? false,
          appData: { peerId: this.id, direction },
        }),
      );
    } finally {
      home.pending--;
    }
    if (this.#closed || transport.closed) {
      transport.close();
      throw this.#closed ? new RoomClosedError(this.#host.roomId) : new TransportNotFoundError(transport.id);
    }
    this.#addTransport(transport, direction, home, reserve);
    return {
      id: transport.id,
      ip: transport.tuple.localAddress,
      port: transport.tuple.localPort,
      rtcpPort: transport.rtcpTuple?.localPort,
      srtpParameters: transport.srtpParameters,
    };
  }

  async connectTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    const entry = this.#transport(transportId);
    if (entry.transport.type !== 'webrtc') throw new InvalidMediaArgumentError(`transport ${transportId} is a plain transport: use connectPlainTransport()`);
    if (!dtlsParameters || typeof dtlsParameters !== 'object' || !Array.isArray(dtlsParameters.fingerprints) || dtlsParameters.fingerprints.length === 0) {
      throw new InvalidMediaArgumentError('dtlsParameters must carry at least one fingerprint');
    }
    await wrapMediasoupErrors(() => (entry.transport as types.WebRtcTransport).connect({ dtlsParameters }));
  }

  async connectPlainTransport(transportId: string, remote: ConnectPlainTransportOptions): Promise<void> {
    const entry = this.#transport(transportId);
    if (entry.transport.type !== 'plain') throw new InvalidMediaArgumentError(`transport ${transportId} is a WebRTC transport: use connectTransport()`);
    if (!remote || typeof remote.ip !== 'string' || !isPort(remote.port) || (remote.rtcpPort !== undefined && !isPort(remote.rtcpPort))) {
      throw new InvalidMediaArgumentError('a plain transport connects to { ip, port, rtcpPort? } with valid ports');
    }
    await wrapMediasoupErrors(() => (entry.transport as types.PlainTransport).connect(remote));
    this.#updateTransport(entry);
  }

  /** New ICE credentials after a network change; hand them to the client's transport.restartIce(). */
  async restartIce(transportId: string): Promise<types.IceParameters> {
    const entry = this.#transport(transportId);
    if (entry.transport.type !== 'webrtc') throw new InvalidMediaArgumentError(`transport ${transportId} has no ICE`);
    return (entry.transport as types.WebRtcTransport).restartIce();
  }

  closeTransport(transportId: string): void {
    this.#transport(transportId).transport.close();
  }

  getTransportStats(transportId: string): Promise<(types.WebRtcTransportStat | types.PlainTransportStat)[]> {
    const entry = this.#transport(transportId);
    return entry.transport.getStats() as Promise<(types.WebRtcTransportStat | types.PlainTransportStat)[]>;
  }

  transportInfo(transportId: string): TransportInfo {
    const e = this.#transport(transportId);
    return {
      id: e.transport.id,
      type: e.transport.type as 'webrtc' | 'plain',
      direction: e.direction,
      connected: e.connected,
      routerId: e.home.router.id,
      workerPid: e.home.worker.pid,
      mainRouter: e.home.main,
    };
  }

  get transports(): TransportInfo[] {
    return [...this.#transports.keys()].map((id) => this.transportInfo(id));
  }

  // ── producers ─────────────────────────────────────────────────────────────

  async produce(options: ProduceOptions): Promise<ProducerInfo> {
    this.#assertOpen();
    if (!options || typeof options !== 'object') throw new InvalidMediaArgumentError('produce() needs options');
    const { kind, source } = options;
    if (!MEDIA_SOURCES.includes(source)) throw new InvalidMediaArgumentError(`unknown source ${String(source)} (${MEDIA_SOURCES.join(', ')})`);
    if (kind !== 'audio' && kind !== 'video') throw new InvalidMediaArgumentError(`kind must be audio or video, not ${String(kind)}`);
    if (SOURCE_KIND[source] !== kind) throw new InvalidMediaArgumentError(`source ${source} carries ${SOURCE_KIND[source]}, not ${kind}`);
    if (!options.rtpParameters || typeof options.rtpParameters !== 'object' || !Array.isArray(options.rtpParameters.codecs)) {
      throw new InvalidMediaArgumentError('rtpParameters must be an object with a codecs array');
    }
    const entry = this.#transport(options.transportId);
    if (entry.direction !== 'send') throw new InvalidMediaArgumentError(`transport ${options.transportId} is a receive transport`);
    const existing = this.producerOf(source);
    if (existing) throw new SourceAlreadyPublishedError(this.id, source, existing.id);
    if (this.#pendingSources.has(source)) throw new SourceAlreadyPublishedError(this.id, source, '(being created)');
    this.#pendingSources.add(source);
    let producer: types.Producer;
    try {
      const rtpParameters: types.RtpParameters = {
        ...options.rtpParameters,
        ...(options.rtpParameters.headerExtensions
          ? { headerExtensions: options.rtpParameters.headerExtensions.filter((h) => !UNSENT_HEADER_EXTENSIONS.has(h.uri)) }
          : {}),
      };
      producer = await wrapMediasoupErrors(() =>
        entry.transport.produce({
          kind,
          rtpParameters,
          paused: options.paused === true,
          ...(kind === 'video' ? { keyFrameRequestDelay: this.#host.settings.keyFrameRequestDelayMs } : {}),
          appData: { peerId: this.id, source },
        }),
      );
    } finally {
      this.#pendingSources.delete(source);
    }
    if (producer.closed || this.#closed) {
      producer.close();
      throw this.#closed ? new RoomClosedError(this.#host.roomId) : new TransportNotFoundError(options.transportId);
    }
    const pe: ProducerEntry = { peerId: this.id, source, producer, transport: entry, live: false, consumers: new Set() };
    this.#producers.set(producer.id, pe);
    entry.producers.add(pe);
    producer.observer.once('close', () => {
      this.#updateProducer(pe);
      this.#producers.delete(producer.id);
      entry.producers.delete(pe);
      this.#host.producerRemoved(pe);
      this.#host.emit('producerclosed', this.id, source, producer.id, new Date());
    });
    producer.observer.on('pause', () => {
      this.#updateProducer(pe);
      this.#host.emit('producerpaused', this.id, source, producer.id, new Date());
    });
    producer.observer.on('resume', () => {
      this.#updateProducer(pe);
      this.#host.emit('producerresumed', this.id, source, producer.id, new Date());
    });
    this.#host.producerAdded(pe);
    const info = producerInfo(pe);
    this.#host.emit('newproducer', info, new Date());
    this.#updateProducer(pe);
    return info;
  }

  /** This peer's producer of a source, if it publishes one. */
  producerOf(source: MediaSource): ProducerInfo | undefined {
    for (const pe of this.#producers.values()) if (pe.source === source) return producerInfo(pe);
    return undefined;
  }

  get producers(): ProducerInfo[] {
    return [...this.#producers.values()].map(producerInfo);
  }

  async pauseProducer(producerId: string): Promise<void> {
    await this.#producer(producerId).producer.pause();
  }

  async resumeProducer(producerId: string): Promise<void> {
    await this.#producer(producerId).producer.resume();
  }

  closeProducer(producerId: string): void {
    this.#producer(producerId).producer.close();
  }

  getProducerStats(producerId: string): Promise<types.ProducerStat[]> {
    return this.#producer(producerId).producer.getStats();
  }

  // ── consumers ─────────────────────────────────────────────────────────────

  /**
   * A consumer of another peer's producer, created PAUSED: send the returned
   * options to the client, and call resumeConsumer() once it says it is ready
   * (otherwise the first key frame may arrive before the client can decode it).
   */
  async consume(options: ConsumeOptions): Promise<ConsumerOptionsForClient> {
    this.#assertOpen();
    if (!options || typeof options.producerId !== 'string' || options.producerId === '') {
      throw new InvalidMediaArgumentError('consume() needs a producerId');
    }
    const transportId = options.transportId ?? this.#lastRecvTransportId;
    if (transportId === undefined) throw new InvalidMediaArgumentError(`peer ${this.id} has no receive transport`);
    const te = this.#transport(transportId);
    if (te.direction !== 'recv') throw new InvalidMediaArgumentError(`transport ${transportId} is a send transport`);
    const pe = this.#host.findProducer(options.producerId);
    if (!pe) throw new ProducerNotFoundError(options.producerId);
    if (pe.peerId === this.id) throw new InvalidMediaArgumentError('a peer does not consume its own producer');
    const rtpCapabilities = options.rtpCapabilities ?? this.#rtpCapabilities;
    if (!rtpCapabilities || !Array.isArray(rtpCapabilities.codecs)) {
      throw new InvalidMediaArgumentError(`peer ${this.id} has given no rtpCapabilities (addPeer or setRtpCapabilities)`);
    }
    const layers = options.preferredLayers;
    if (layers !== undefined && !validLayers(layers)) throw new InvalidMediaArgumentError('preferredLayers must be { spatialLayer ≥ 0, temporalLayer? ≥ 0 }');
    const priority = options.priority ?? DEFAULT_PRIORITY[pe.source];
    if (!Number.isInteger(priority) || priority < 1 || priority > 255) throw new InvalidMediaArgumentError('priority must be an integer 1–255');

    await this.#host.pipeProducerTo(te.home, pe.producer.id);
    if (te.transport.closed) throw new TransportNotFoundError(transportId);
    if (pe.producer.closed) throw new ProducerNotFoundError(options.producerId);
    if (!te.home.router.canConsume({ producerId: pe.producer.id, rtpCapabilities })) {
      throw new InvalidMediaArgumentError(`peer ${this.id} cannot receive ${pe.source} of ${pe.peerId} (no common codec)`);
    }
    const effectiveLayers = this.#lowBandwidth ? { spatialLayer: 0, temporalLayer: layers?.temporalLayer ?? 255 } : layers;
    const consumer = await wrapMediasoupErrors(() =>
      te.transport.consume({
        producerId: pe.producer.id,
        rtpCapabilities,
        paused: true,
        ...(effectiveLayers ? { preferredLayers: effectiveLayers } : {}),
        appData: { peerId: this.id, producerPeerId: pe.peerId, source: pe.source },
      }),
    );
    if (consumer.closed || this.#closed) {
      consumer.close();
      throw this.#closed ? new RoomClosedError(this.#host.roomId) : new ProducerNotFoundError(options.producerId);
    }
    await consumer.setPriority(priority).catch(() => undefined);
    const ce: ConsumerEntry = {
      peerId: this.id,
      consumer,
      source: pe.source,
      producer: pe,
      transport: te,
      live: false,
      requestedLayers: layers,
      closing: false,
      wanted: false,
    };
    this.#consumers.set(consumer.id, ce);
    te.consumers.add(ce);
    pe.consumers.add(ce);
    consumer.observer.once('close', () => {
      this.#updateConsumer(ce);
      this.#consumers.delete(consumer.id);
      te.consumers.delete(ce);
      pe.consumers.delete(ce);
      if (!ce.closing) this.#host.emit('consumerclosed', this.id, consumer.id, new Date());
    });
    consumer.observer.on('pause', () => this.#updateConsumer(ce));
    consumer.observer.on('resume', () => this.#updateConsumer(ce));
    consumer.on('producerpause', () => this.#updateConsumer(ce));
    consumer.on('producerresume', () => this.#updateConsumer(ce));
    consumer.on('layerschange', (l) => this.#host.emit('consumerlayerschanged', this.id, consumer.id, l, new Date()));
    return {
      id: consumer.id,
      producerId: pe.producer.id,
      producerPeerId: pe.peerId,
      source: pe.source,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      type: consumer.type,
      producerPaused: consumer.producerPaused,
    };
  }

  /**
   * The client has set up its consumer: start forwarding (a key frame is requested).
   * While video is held (holdVideo) a video consumer only remembers the wish.
   */
  async resumeConsumer(consumerId: string): Promise<void> {
    const ce = this.#consumer(consumerId);
    ce.wanted = true;
    if (this.#videoHeld && ce.consumer.kind === 'video') return;
    await ce.consumer.resume();
  }

  async pauseConsumer(consumerId: string): Promise<void> {
    const ce = this.#consumer(consumerId);
    ce.wanted = false;
    await ce.consumer.pause();
  }

  closeConsumer(consumerId: string): void {
    const ce = this.#consumer(consumerId);
    ce.closing = true;
    ce.consumer.close();
  }

  /** Simulcast/SVC: the layers to aim for; mediasoup still goes lower when bandwidth is short. */
  async setPreferredLayers(consumerId: string, layers: types.ConsumerLayers): Promise<void> {
    const ce = this.#consumer(consumerId);
    if (!validLayers(layers)) throw new InvalidMediaArgumentError('preferredLayers must be { spatialLayer ≥ 0, temporalLayer? ≥ 0 }');
    ce.requestedLayers = layers;
    if (ce.consumer.type !== 'simulcast' && ce.consumer.type !== 'svc') return;
    await ce.consumer.setPreferredLayers(this.#lowBandwidth ? { spatialLayer: 0, temporalLayer: layers.temporalLayer ?? 255 } : layers);
  }

  async setPriority(consumerId: string, priority: number): Promise<void> {
    const ce = this.#consumer(consumerId);
    if (!Number.isInteger(priority) || priority < 1 || priority > 255) throw new InvalidMediaArgumentError('priority must be an integer 1–255');
    await ce.consumer.setPriority(priority);
  }

  async requestKeyFrame(consumerId: string): Promise<void> {
    await this.#consumer(consumerId).consumer.requestKeyFrame();
  }

  getConsumerStats(consumerId: string): Promise<(types.ConsumerStat | types.ProducerStat)[]> {
    return this.#consumer(consumerId).consumer.getStats();
  }

  consumerInfo(consumerId: string): ConsumerInfo {
    return consumerInfo(this.#consumer(consumerId));
  }

  get consumers(): ConsumerInfo[] {
    return [...this.#consumers.values()].map(consumerInfo);
  }

  /**
   * Low-bandwidth mode (a classroom on a weak rural link): every video consumer
   * of this peer is held at the lowest spatial layer and its receive transports
   * are capped at RoomOptions.lowBandwidthMaxOutgoingBitrate. Off restores the
   * layers the client asked for.
   */
  async setLowBandwidth(enabled: boolean): Promise<void> {
    if (typeof enabled !== 'boolean') throw new InvalidMediaArgumentError('setLowBandwidth() takes a boolean');
    this.#assertOpen();
    this.#lowBandwidth = enabled;
    const jobs: Promise<unknown>[] = [];
    for (const ce of this.#consumers.values()) {
      if (ce.consumer.type !== 'simulcast' && ce.consumer.type !== 'svc') continue;
      const wanted = ce.requestedLayers ?? HIGHEST;
      const layers = enabled ? { spatialLayer: 0, temporalLayer: wanted.temporalLayer ?? 255 } : wanted;
      jobs.push(ce.consumer.setPreferredLayers(layers).catch(() => undefined));
    }
    for (const te of this.#transports.values()) {
      if (te.direction !== 'recv' || te.transport.type !== 'webrtc') continue;
      jobs.push(te.transport.setMaxOutgoingBitrate(enabled ? this.#host.settings.lowBandwidthMaxOutgoingBitrate : 0).catch(() => undefined));
    }
    await Promise.all(jobs);
  }

  get videoHeld(): boolean {
    return this.#videoHeld;
  }

  /**
   * Holds every video this peer receives at the worker (camera and screen share, also
   * consumers created later): no video RTP is sent to it, its audio flows on. Releasing
   * resumes the videos the client had resumed, each with a key frame request so the
   * picture comes back at once. For a classroom on a weak link that follows the lesson
   * by sound and the courseware's page images instead.
   */
  async holdVideo(held: boolean): Promise<void> {
    if (typeof held !== 'boolean') throw new InvalidMediaArgumentError('holdVideo() takes a boolean');
    this.#assertOpen();
    this.#videoHeld = held;
    const jobs: Promise<unknown>[] = [];
    for (const ce of this.#consumers.values()) {
      if (ce.consumer.kind !== 'video' || ce.consumer.closed) continue;
      if (held) jobs.push(ce.consumer.pause().catch(() => undefined));
      else if (ce.wanted) jobs.push(ce.consumer.resume().then(() => ce.consumer.requestKeyFrame()).catch(() => undefined));
    }
    await Promise.all(jobs);
  }

  // ── internals ─────────────────────────────────────────────────────────────

  /** @internal closes everything of this peer (room.removePeer / room.close). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const ce of this.#consumers.values()) ce.closing = true;
    for (const te of [...this.#transports.values()]) te.transport.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new RoomClosedError(this.#host.roomId);
  }

  #transport(transportId: string): TransportEntry {
    if (typeof transportId !== 'string' || transportId === '') throw new InvalidMediaArgumentError('transportId must be a non-empty string');
    const entry = this.#transports.get(transportId);
    if (!entry) throw new TransportNotFoundError(transportId);
    return entry;
  }

  #producer(producerId: string): ProducerEntry {
    if (typeof producerId !== 'string' || producerId === '') throw new InvalidMediaArgumentError('producerId must be a non-empty string');
    const entry = this.#producers.get(producerId);
    if (!entry) throw new ProducerNotFoundError(producerId);
    return entry;
  }

  #consumer(consumerId: string): ConsumerEntry {
    if (typeof consumerId !== 'string' || consumerId === '') throw new InvalidMediaArgumentError('consumerId must be a non-empty string');
    const entry = this.#consumers.get(consumerId);
    if (!entry) throw new ConsumerNotFoundError(consumerId);
    return entry;
  }

  #addTransport(transport: types.WebRtcTransport | types.PlainTransport, direction: TransportDirection, home: RoomRouter, reserve: number): void {
    const entry: TransportEntry = {
      peerId: this.id,
      transport,
      direction,
      home,
      reserve,
      connected: false,
      producers: new Set(),
      consumers: new Set(),
    };
    this.#transports.set(transport.id, entry);
    home.transports.add(entry);
    if (direction === 'recv') this.#lastRecvTransportId = transport.id;
    const update = () => this.#updateTransport(entry);
    if (transport.type === 'webrtc') {
      const t = transport as types.WebRtcTransport;
      t.observer.on('icestatechange', update);
      t.observer.on('dtlsstatechange', update);
    } else {
      (transport as types.PlainTransport).observer.on('tuple', update);
    }
    (transport as types.Transport).observer.once('close', () => {
      this.#updateTransport(entry);
      this.#transports.delete(transport.id);
      if (this.#lastRecvTransportId === transport.id) this.#lastRecvTransportId = undefined;
      // A router closing under its transports (worker death) keeps them listed: the room reads whom it affected.
      if (!home.router.closed) home.transports.delete(entry);
      this.#host.transportRemoved(entry);
    });
  }

  #updateTransport(entry: TransportEntry): void {
    const t = entry.transport;
    let connected: boolean;
    if (t.closed) connected = false;
    else if (t.type === 'webrtc') {
      const w = t as types.WebRtcTransport;
      connected = (w.iceState === 'connected' || w.iceState === 'completed') && w.dtlsState === 'connected';
    } else connected = (t as types.PlainTransport).tuple.remoteIp !== undefined;
    if (connected === entry.connected) return;
    entry.connected = connected;
    const at = new Date();
    if (connected) this.#host.emit('transportconnected', this.id, t.id, at);
    for (const pe of entry.producers) this.#updateProducer(pe, at);
    for (const ce of entry.consumers) this.#updateConsumer(ce, at);
    if (!connected) this.#host.emit('transportdisconnected', this.id, t.id, at);
  }

  /** @internal recomputes whether a producer is publishing, and its consumers receiving. */
  #updateProducer(pe: ProducerEntry, at = new Date()): void {
    const live = !pe.producer.closed && !pe.producer.paused && pe.transport.connected && !pe.transport.transport.closed;
    if (live === pe.live) return;
    pe.live = live;
    if (live) this.#host.emit('publishingstarted', this.id, pe.source, pe.producer.id, at);
    // Consumers of this producer may belong to other peers: each recomputes through its own peer.
    for (const ce of [...pe.consumers]) updateConsumerEntry(ce, this.#host, at);
    if (!live) this.#host.emit('publishingstopped', this.id, pe.source, pe.producer.id, at);
  }

  #updateConsumer(ce: ConsumerEntry, at = new Date()): void {
    updateConsumerEntry(ce, this.#host, at);
  }
}

/** Receiving = consumer resumed, its producer not paused and publishing, its transport connected. @internal also used by NodePipe */
export function updateConsumerEntry(ce: ConsumerEntry, host: PeerHost, at: Date): void {
  const c = ce.consumer;
  const live = !c.closed && !c.paused && !c.producerPaused && ce.transport.connected && !ce.transport.transport.closed && ce.producer.live;
  if (live === ce.live) return;
  ce.live = live;
  host.emit(live ? 'receivingstarted' : 'receivingstopped', ce.peerId, ce.producer.peerId, ce.source, c.id, at);
}

function producerInfo(pe: ProducerEntry): ProducerInfo {
  return { id: pe.producer.id, peerId: pe.peerId, source: pe.source, kind: pe.producer.kind, type: pe.producer.type, paused: pe.producer.paused };
}

function consumerInfo(ce: ConsumerEntry): ConsumerInfo {
  const c = ce.consumer;
  return {
    id: c.id,
    producerId: c.producerId,
    producerPeerId: ce.producer.peerId,
    source: ce.source,
    kind: c.kind,
    type: c.type,
    transportId: ce.transport.transport.id,
    paused: c.paused,
    producerPaused: c.producerPaused,
    receiving: ce.live,
    priority: c.priority,
    preferredLayers: c.preferredLayers,
    currentLayers: c.currentLayers,
  };
}

function checkDirection(direction: unknown): TransportDirection {
  if (direction !== 'send' && direction !== 'recv') throw new InvalidMediaArgumentError(`direction must be 'send' or 'recv', not ${String(direction)}`);
  return direction;
}

function optionalBitrate(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new InvalidMediaArgumentError(`${name} must be a non-negative integer (bps)`);
  return value;
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65536;
}

function validLayers(layers: types.ConsumerLayers): boolean {
  return (
    !!layers &&
    typeof layers === 'object' &&
    Number.isInteger(layers.spatialLayer) &&
    layers.spatialLayer >= 0 &&
    (layers.temporalLayer === undefined || (Number.isInteger(layers.temporalLayer) && layers.temporalLayer >= 0))
  );
}

/** mediasoup reports bad client input as TypeError/UnsupportedError: those become InvalidMediaArgumentError. */
export async function wrapMediasoupErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TypeError || err instanceof mediasoupErrors.UnsupportedError) {
      throw new InvalidMediaArgumentError(err.message, { cause: err });
    }
    throw err;
  }
}
