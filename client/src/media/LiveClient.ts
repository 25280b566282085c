import { Device, type types } from 'mediasoup-client';
import type { LivePeer, LivePermissions, LiveSessionView, MediaSource, RecordingState } from '../../../shared/schemas/live.ts';
import type { ConsumerOptions, Direction, RuleFailure } from '../../../shared/signaling/live.ts';
import { SignalingError, type ResponseOf } from '../../../shared/signaling/protocol.ts';
import { watchFirstFrame } from './firstFrame.ts';
import { captureCamera, captureMicrophone, captureScreen, type CameraProfile } from './devices.ts';
import { afterAttempt, escalate, ICE_RESTART_ATTEMPTS, nextRecoveryAction, type LossCause, type RecoveryState } from './policy.ts';
import { keepNegotiatedHeaderExtensions, produceOptions } from './publish.ts';
import {
  bandwidthMode,
  chooseBandwidth,
  classify,
  initialLowBandwidth,
  nextLowBandwidth,
  QUALITY_SAMPLE_MS,
  type BandwidthChoice,
  type BandwidthMode,
  type LinkSample,
  type LowBandwidthState,
  type Quality,
} from './quality.ts';
import { SignalingClient } from './signaling.ts';
import { readStats, type StatsTotals } from './stats.ts';

/**
 * One participant's live session: mediasoup-client's Device and transports,
 * what this participant publishes and receives, and the recovery policy
 * (policy.ts) that brings all of it back after a network loss or a media
 * worker's death. UI code reads `view` (an immutable snapshot, replaced on
 * every change) and calls the action methods.
 */

export type LiveState = 'idle' | 'joining' | 'live' | 'reconnecting' | 'ended' | 'error';

export interface RemoteMedia {
  readonly consumerId: string;
  readonly producerId: string;
  readonly peerId: string;
  readonly source: MediaSource;
  readonly kind: 'audio' | 'video';
  readonly track: MediaStreamTrack;
  /** The sender paused it (camera off, microphone muted). */
  readonly producerPaused: boolean;
  /** Paused by this client (minimal bandwidth mode). */
  readonly pausedHere: boolean;
}

export interface LiveView {
  readonly state: LiveState;
  readonly error: { code: string; message: string } | null;
  readonly session: LiveSessionView | null;
  readonly permissions: LivePermissions | null;
  readonly peerId: string | null;
  readonly peers: readonly LivePeer[];
  readonly stagePeerId: string | null;
  readonly activeSpeakerPeerId: string | null;
  readonly recording: RecordingState;
  readonly remote: readonly RemoteMedia[];
  readonly local: {
    readonly camera: MediaStreamTrack | null;
    readonly screen: MediaStreamTrack | null;
    readonly microphone: boolean;
    readonly hand: boolean;
    readonly mutedByHost: boolean;
  };
  readonly quality: Quality;
  readonly link: LinkSample | null;
  readonly bandwidth: BandwidthMode;
  readonly bandwidthChoice: BandwidthChoice;
  readonly ended: { status: string; reason: string | null; failed?: readonly RuleFailure[] } | null;
  /** The host's "being observed" marker: patrols (巡课) in the room now (0 for everyone else). */
  readonly patrols: number;
  /** Completed recoveries (ICE restart, rejoin, rebuild), newest last. */
  readonly recoveries: readonly { action: string; cause: LossCause; ms: number }[];
}

export interface LiveClientOptions {
  readonly sessionId: string;
  readonly signaling?: SignalingClient;
  /** Override the server's ICE transport policy (`relay`: TURN only, for diagnosis and tests). */
  readonly iceTransportPolicy?: 'all' | 'relay';
  readonly bandwidth?: BandwidthChoice;
  readonly capture?: Partial<{
    camera(profile: CameraProfile): Promise<MediaStreamTrack>;
    microphone(): Promise<MediaStreamTrack>;
    screen(): Promise<{ video: MediaStreamTrack; audio: MediaStreamTrack | null }>;
  }>;
  /**
   * A thumbnail (the patrol grid): receive only the host teacher's camera, at its lowest
   * spatial layer (low-bandwidth mode at the server plus setPreferredLayers 0); every other
   * consumer stays paused at the server, so it costs no bandwidth.
   */
  readonly thumbnail?: boolean;
  /**
   * When this participant started joining (performance.now(): the join click, or the
   * navigation that opened the live page); join-to-first-frame counts from it. Default: start().
   */
  readonly joinStartedAt?: number;
}

interface HeldConsumer {
  consumer: types.Consumer;
  info: ConsumerOptions;
  producerPaused: boolean;
  pausedHere: boolean;
}

interface Wanted {
  camera: boolean;
  microphone: boolean;
  screen: boolean;
  hand: boolean;
  /** Host: the account on stage (survives the staged classroom's rejoin under a new peer id). */
  stageAccountId: string | null;
}

const noRecording: RecordingState = { active: false, recordingId: null, startedAt: null };
/** A session ends in one of these; `left` (this participant only) leaves its status alone. */
const ENDED_STATUSES = ['delivered', 'missed', 'cancelled'] as const;

export class LiveClient {
  readonly sessionId: string;
  readonly signaling: SignalingClient;
  readonly #options: LiveClientOptions;
  #view: LiveView;
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribe: (() => void)[] = [];

  #device = new Device();
  #send: types.Transport | null = null;
  #recv: types.Transport | null = null;
  readonly #producers = new Map<MediaSource, types.Producer>();
  readonly #tracks = new Map<MediaSource, MediaStreamTrack>();
  readonly #consumers = new Map<string, HeldConsumer>();
  readonly #wanted: Wanted = { camera: false, microphone: false, screen: false, hand: false, stageAccountId: null };
  #peer: { peerId: string; resumeToken: string } | null = null;
  #iceServers: RTCIceServer[] = [];
  #iceTransportPolicy: 'all' | 'relay' = 'all';
  #recovery: RecoveryState | null = null;
  // Read by `??=` below (one recovery at a time), which the lint rule does not count as a read.
  // eslint-disable-next-line no-unused-private-class-members
  #recovering: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #closed = false;
  #statsTimer: ReturnType<typeof setInterval> | null = null;
  #stopFirstFrameWatch: (() => void) | null = null;
  #firstFrameMs: number | null = null;
  #statsTotals: StatsTotals | null = null;
  #lowBandwidth: LowBandwidthState;
  #framesDecoded = new Map<string, { framesDecoded: number; frameWidth: number; frameHeight: number }>();
  /** Serializes media changes (publish, rebuild) so two never interleave. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: LiveClientOptions) {
    this.#options = options;
    this.sessionId = options.sessionId;
    this.signaling = options.signaling ?? new SignalingClient();
    this.#lowBandwidth = initialLowBandwidth(options.bandwidth ?? (options.thumbnail ? 'low' : 'auto'));
    this.#view = {
      state: 'idle',
      error: null,
      session: null,
      permissions: null,
      peerId: null,
      peers: [],
      stagePeerId: null,
      activeSpeakerPeerId: null,
      recording: noRecording,
      remote: [],
      local: { camera: null, screen: null, microphone: false, hand: false, mutedByHost: false },
      quality: 'good',
      link: null,
      bandwidth: bandwidthMode(this.#lowBandwidth),
      bandwidthChoice: this.#lowBandwidth.choice,
      ended: null,
      patrols: 0,
      recoveries: [],
    };
    this.#listen();
  }

  // ---- what the UI reads -------------------------------------------------------

  get view(): LiveView {
    return this.#view;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(patch: Partial<LiveView>): void {
    this.#view = { ...this.#view, ...patch };
    for (const l of this.#listeners) l();
  }

  #setLocal(patch: Partial<LiveView['local']>): void {
    this.#set({ local: { ...this.#view.local, ...patch } });
  }

  #refreshRemote(): void {
    this.#set({
      remote: [...this.#consumers.values()].map((c) => ({
        consumerId: c.info.id,
        producerId: c.info.producerId,
        peerId: c.info.producerPeerId,
        source: c.info.source,
        kind: c.info.kind,
        track: c.consumer.track,
        producerPaused: c.producerPaused,
        pausedHere: c.pausedHere,
      })),
    });
  }

  /** Decoded-frame counts per remote video (tests and the diagnostics panel). */
  async inboundVideo(): Promise<{ peerId: string; source: MediaSource; framesDecoded: number; frameWidth: number; frameHeight: number }[]> {
    await this.#sampleStats();
    return [...this.#consumers.values()]
      .filter((c) => c.info.kind === 'video')
      .map((c) => ({ peerId: c.info.producerPeerId, source: c.info.source, ...(this.#framesDecoded.get(c.consumer.rtpParameters.mid ?? '') ?? { framesDecoded: 0, frameWidth: 0, frameHeight: 0 }) }));
  }

  /** Transport states (tests, diagnostics). */
  transportStates(): { send: string | null; recv: string | null } {
    return { send: this.#send?.connectionState ?? null, recv: this.#recv?.connectionState ?? null };
  }

  /** The local ICE candidate type (host, srflx, relay) each transport's selected pair uses. */
  async candidateTypes(): Promise<{ send: string | null; recv: string | null }> {
    const typeOf = async (t: types.Transport | null): Promise<string | null> => {
      if (!t || t.closed) return null;
      const report = await t.getStats().catch(() => null);
      if (!report) return null;
      let localId: string | undefined;
      report.forEach((s: RTCIceCandidatePairStats) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') localId = s.localCandidateId;
      });
      let type: string | null = null;
      report.forEach((s: { type: string; id: string; candidateType?: string }) => {
        if (s.type === 'local-candidate' && s.id === localId) type = s.candidateType ?? null;
      });
      return type;
    };
    return { send: await typeOf(this.#send), recv: await typeOf(this.#recv) };
  }

  // ---- lifecycle -----------------------------------------------------------------

  /** performance.now() when start() was called (join-to-first-frame measurements). */
  startedAt: number | null = null;

  /** Join-to-first-frame of this join in milliseconds (null until a remote video decoded a frame). */
  get firstFrameMs(): number | null {
    return this.#firstFrameMs;
  }

  async start(): Promise<void> {
    if (this.#view.state !== 'idle') return;
    this.startedAt = performance.now();
    performance.mark('live:start');
    this.#set({ state: 'joining', error: null });
    // Reported once per join over the live socket, for the server's join-to-first-frame histogram.
    this.#stopFirstFrameWatch = watchFirstFrame(this.#options.joinStartedAt ?? this.startedAt, () => this.#recv, (ms) => {
      this.#firstFrameMs = ms;
      performance.mark('live:first-frame');
      // Only a metric: a refused or lost report (a rejoin past the account's limit, a dropped socket) changes nothing here.
      this.signaling.request('reportFirstFrame', { ms }).catch(() => undefined);
    });
    try {
      await this.signaling.whenConnected();
      await this.#exclusive(() => this.#establish(false));
      this.#set({ state: 'live' });
      this.#statsTimer = setInterval(() => void this.#sampleStats(), QUALITY_SAMPLE_MS);
    } catch (err) {
      this.#stopFirstFrameWatch?.();
      this.#fail(err);
      throw err;
    }
  }

  /** Leaves the room (the server closes this participant's intervals) and releases devices. */
  async leave(): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.signaling.connected && this.#peer) await this.signaling.request('leave', {}, 3000);
    } catch {
      /* leaving anyway */
    }
    this.#shutdown({ status: 'left', reason: null });
  }

  #shutdown(ended: LiveView['ended']): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    this.#stopFirstFrameWatch?.();
    this.#teardownMedia(true);
    for (const u of this.#unsubscribe) u();
    this.#wake?.();
    this.signaling.close();
    // The session's own status follows its verdict (the page stops saying "live").
    const verdict = ENDED_STATUSES.find((x) => x === ended?.status) ?? null;
    const session = this.#view.session && verdict ? { ...this.#view.session, status: verdict } : this.#view.session;
    this.#set({ state: 'ended', ended, session, remote: [], local: { ...this.#view.local, camera: null, screen: null, microphone: false } });
  }

  #fail(err: unknown): void {
    const e = err instanceof SignalingError ? { code: err.code, message: err.message } : { code: 'internal', message: err instanceof Error ? err.message : String(err) };
    this.#set({ state: this.#view.state === 'joining' ? 'error' : this.#view.state, error: e });
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  // ---- joining and (re)establishing media ---------------------------------------------

  async #establish(resume: boolean): Promise<void> {
    const res = await this.signaling.request('join', {
      sessionId: this.sessionId,
      ...(resume && this.#peer ? { resume: { peerId: this.#peer.peerId, token: this.#peer.resumeToken } } : {}),
    });
    performance.mark('live:joined');
    this.#peer = { peerId: res.peerId, resumeToken: res.resumeToken };
    this.#iceServers = res.iceServers as RTCIceServer[];
    this.#iceTransportPolicy = this.#options.iceTransportPolicy ?? res.iceTransportPolicy;
    this.#applyRoom(res);
    if (!this.#device.loaded) await this.#device.load({ routerRtpCapabilities: res.routerRtpCapabilities as types.RtpCapabilities });

    const held = new Set(res.held.transportIds);
    let keep = res.resumed && (!this.#send || held.has(this.#send.id)) && (!this.#recv || held.has(this.#recv.id)) && !!this.#recv;
    if (keep) {
      try {
        for (const t of [this.#send, this.#recv]) if (t && !t.closed && t.connectionState !== 'connected' && t.connectionState !== 'new') await this.#restartIce(t);
      } catch {
        keep = false;
      }
    }
    if (keep) {
      const heldProducers = new Map(res.held.producers.map((p) => [p.id, p]));
      for (const [source, producer] of this.#producers) {
        if (!heldProducers.has(producer.id)) {
          producer.close();
          this.#producers.delete(source);
        }
        heldProducers.delete(producer.id);
      }
      for (const stale of heldProducers.keys()) await this.signaling.request('closeProducer', { producerId: stale }).catch(() => undefined);
    } else {
      this.#teardownMedia(false);
      this.#recv = await this.#createTransport('recv');
    }
    // A new server-side peer starts in normal mode: tell it before its consumers exist.
    if (bandwidthMode(this.#lowBandwidth) !== 'normal') await this.signaling.request('setLowBandwidth', { enabled: true }).catch(() => undefined);
    // Receiving first (a classroom must see and hear the lesson as soon as possible); the send side meanwhile.
    const sending = !this.#send && res.permissions.publish.length ? this.#createTransport('send').then((t) => void (this.#send = t)) : Promise.resolve();
    await Promise.all([this.#consumeAll(), sending]);
    await this.#publishWanted();
    if (this.#wanted.hand && !this.#myPeer()?.handRaised) await this.signaling.request('raiseHand', { raised: true }).catch(() => undefined);
    await this.#restoreStage();
  }

  #applyRoom(res: ResponseOf<'join'>): void {
    const me = res.room.peers.find((p) => p.peerId === res.peerId);
    this.#set({
      session: res.session,
      permissions: res.permissions,
      peerId: res.peerId,
      peers: res.room.peers,
      stagePeerId: res.room.stagePeerId,
      activeSpeakerPeerId: res.room.activeSpeakerPeerId,
      recording: res.room.recording,
      patrols: res.room.patrols,
      local: { ...this.#view.local, mutedByHost: me?.mutedByHost ?? false, hand: me?.handRaised ?? false },
    });
  }

  /** The microphone's capture settings (echo cancellation, noise suppression, gain control) as the browser applied them. */
  microphoneSettings(): MediaTrackSettings | null {
    return this.#tracks.get('microphone')?.getSettings() ?? null;
  }

  #myPeer(): LivePeer | undefined {
    return this.#view.peers.find((p) => p.peerId === this.#view.peerId);
  }

  async #createTransport(direction: Direction): Promise<types.Transport> {
    const opts = await this.signaling.request('createTransport', { direction });
    const options: types.TransportOptions = {
      id: opts.id,
      iceParameters: opts.iceParameters as types.IceParameters,
      iceCandidates: opts.iceCandidates as types.IceCandidate[],
      dtlsParameters: opts.dtlsParameters as types.DtlsParameters,
      iceServers: this.#iceServers,
      iceTransportPolicy: this.#iceTransportPolicy,
    };
    const transport = direction === 'send' ? this.#device.createSendTransport(options) : this.#device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      keepNegotiatedHeaderExtensions(rtpParameters, this.#pendingSender);
      const source = (appData as { source: MediaSource }).source;
      this.signaling
        .request('produce', { transportId: transport.id, kind, source, rtpParameters })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (transport.closed || this.#closed || (transport !== this.#send && transport !== this.#recv)) return;
      if (state === 'disconnected') this.#lost('transport-disconnected');
      else if (state === 'failed') this.#lost('transport-failed');
      else if (state === 'connected') this.#wake?.();
    });
    return transport;
  }
  #pendingSender: RTCRtpSender | undefined;

  async #restartIce(transport: types.Transport): Promise<void> {
    const { iceParameters } = await this.signaling.request('restartIce', { transportId: transport.id });
    await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
  }

  /** Closes local media objects; `stopTracks` also releases camera, microphone and screen. */
  #teardownMedia(stopTracks: boolean): void {
    for (const p of this.#producers.values()) p.close();
    this.#producers.clear();
    for (const c of this.#consumers.values()) c.consumer.close();
    this.#consumers.clear();
    this.#send?.close();
    this.#recv?.close();
    this.#send = null;
    this.#recv = null;
    if (stopTracks) {
      for (const t of this.#tracks.values()) t.stop();
      this.#tracks.clear();
    }
    this.#refreshRemote();
  }

  // ---- receiving -----------------------------------------------------------------------

  async #consumeAll(): Promise<void> {
    performance.mark('live:consume');
    const { consumers } = await this.signaling.request('consume', { rtpCapabilities: this.#device.rtpCapabilities });
    performance.mark('live:consumers');
    const ids = new Set(consumers.map((c) => c.id));
    for (const [id, held] of this.#consumers) {
      if (!ids.has(id)) {
        held.consumer.close();
        this.#consumers.delete(id);
      }
    }
    // Video first (its key frame takes longest), all at once.
    const fresh = consumers.filter((c) => !this.#consumers.has(c.id)).sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'video' ? -1 : 1));
    await Promise.all(fresh.map((c) => this.#addConsumer(c)));
    this.#refreshRemote();
  }

  async #addConsumer(info: ConsumerOptions): Promise<void> {
    if (!this.#recv || this.#recv.closed || this.#consumers.has(info.id)) return;
    const consumer = await this.#recv.consume({
      id: info.id,
      producerId: info.producerId,
      kind: info.kind,
      rtpParameters: info.rtpParameters as types.RtpParameters,
      appData: { source: info.source, peerId: info.producerPeerId },
    });
    const held: HeldConsumer = { consumer, info, producerPaused: info.producerPaused, pausedHere: false };
    this.#consumers.set(info.id, held);
    // Minimal bandwidth: cameras stay paused at the server; everything else starts now (a key frame is requested).
    if (info.kind === 'video' && info.source === 'camera' && bandwidthMode(this.#lowBandwidth) === 'minimal') held.pausedHere = true;
    else if (this.#options.thumbnail && !this.#thumbnailWants(info)) held.pausedHere = true;
    else {
      if (this.#options.thumbnail) await this.signaling.request('setPreferredLayers', { consumerId: info.id, spatialLayer: 0, temporalLayer: 0 }).catch(() => undefined);
      await this.signaling.request('resumeConsumer', { consumerId: info.id });
    }
    this.#refreshRemote();
  }

  /** A thumbnail shows the host teacher's camera only. */
  #thumbnailWants(info: ConsumerOptions): boolean {
    return info.kind === 'video' && info.source === 'camera' && this.#view.peers.find((p) => p.peerId === info.producerPeerId)?.role === 'host';
  }

  /**
   * Applies the bandwidth mode: low and minimal ask the server to hold every
   * video at its lowest simulcast layer (and cap the receive transport);
   * minimal also pauses the cameras at the server (sound and screen only);
   * this client's own camera sends only its lowest layer.
   */
  async #applyBandwidth(): Promise<void> {
    const mode = bandwidthMode(this.#lowBandwidth);
    this.#set({ bandwidth: mode, bandwidthChoice: this.#lowBandwidth.choice });
    if (!this.#peer || this.#closed) return;
    await this.signaling.request('setLowBandwidth', { enabled: mode !== 'normal' }).catch(() => undefined);
    for (const held of this.#consumers.values()) {
      if (held.info.kind !== 'video' || held.info.source !== 'camera' || this.#options.thumbnail) continue;
      const pauseIt = mode === 'minimal';
      if (pauseIt === held.pausedHere) continue;
      held.pausedHere = pauseIt;
      await this.signaling.request(pauseIt ? 'pauseConsumer' : 'resumeConsumer', { consumerId: held.info.id }).catch(() => undefined);
    }
    const camera = this.#producers.get('camera');
    if (camera && !camera.closed) {
      const layers = camera.rtpParameters.encodings?.length ?? 1;
      if (layers > 1) await camera.setMaxSpatialLayer(mode === 'normal' ? layers - 1 : 0).catch(() => undefined);
    }
    this.#refreshRemote();
  }

  setBandwidth(choice: BandwidthChoice): Promise<void> {
    this.#lowBandwidth = chooseBandwidth(this.#lowBandwidth, choice);
    return this.#applyBandwidth();
  }

  async #sampleStats(): Promise<void> {
    if (this.#closed) return;
    const expecting = [...this.#consumers.values()].some((c) => !c.producerPaused && !c.pausedHere);
    const reading = await readStats(this.#send, this.#recv, expecting, this.#statsTotals);
    this.#statsTotals = reading.totals;
    this.#framesDecoded = reading.framesDecoded;
    const quality = this.#view.state === 'reconnecting' ? 'lost' : classify(reading.sample);
    const before = bandwidthMode(this.#lowBandwidth);
    this.#lowBandwidth = nextLowBandwidth(this.#lowBandwidth, quality);
    this.#set({ quality, link: reading.sample });
    if (bandwidthMode(this.#lowBandwidth) !== before) await this.#applyBandwidth();
  }

  // ---- publishing -------------------------------------------------------------------------

  async #capture(source: MediaSource): Promise<MediaStreamTrack> {
    const existing = this.#tracks.get(source);
    if (existing && existing.readyState === 'live') return existing;
    const c = this.#options.capture ?? {};
    let track: MediaStreamTrack;
    if (source === 'microphone') track = await (c.microphone ?? captureMicrophone)();
    else if (source === 'camera') {
      const role = this.#view.permissions?.role;
      const profile: CameraProfile = role === 'classroom' ? 'classroom' : this.#view.session?.kind === 'online_research' ? 'research' : 'teacher';
      track = await (c.camera ?? captureCamera)(profile);
    } else {
      const screen = await (c.screen ?? captureScreen)();
      if (screen.audio) this.#tracks.set('screen-audio', screen.audio);
      track = screen.video;
      track.addEventListener('ended', () => void this.setScreen(false));
    }
    this.#tracks.set(source, track);
    return track;
  }

  async #produce(source: MediaSource): Promise<void> {
    if (!this.#send || this.#send.closed || this.#producers.has(source)) return;
    const track = await this.#capture(source);
    const role = this.#view.permissions?.role ?? 'classroom';
    const producer = await this.#send.produce({
      ...produceOptions(source, role, track),
      stopTracks: false,
      appData: { source },
      onRtpSender: (sender) => (this.#pendingSender = sender),
    });
    this.#producers.set(source, producer);
    if (source === 'camera' && bandwidthMode(this.#lowBandwidth) !== 'normal' && (producer.rtpParameters.encodings?.length ?? 1) > 1) {
      await producer.setMaxSpatialLayer(0).catch(() => undefined);
    }
  }

  async #unpublish(source: MediaSource, stopTrack: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    this.#producers.delete(source);
    if (producer && !producer.closed) {
      producer.close();
      await this.signaling.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
    }
    if (stopTrack) {
      this.#tracks.get(source)?.stop();
      this.#tracks.delete(source);
    }
  }

  /** Publishes every source that is wanted and allowed, microphone first (a lesson must be heard before it is seen). */
  async #publishWanted(): Promise<void> {
    const allowed = new Set(this.#view.permissions?.publish ?? []);
    if (this.#wanted.microphone && allowed.has('microphone')) {
      // A muted classroom's microphone is produced paused by the server (and stays so until the host lets it speak).
      await this.#produce('microphone');
      if (this.#view.local.mutedByHost) this.#producers.get('microphone')?.pause();
    }
    if (this.#wanted.camera && allowed.has('camera')) await this.#produce('camera');
    if (this.#wanted.screen && allowed.has('screen')) {
      await this.#produce('screen');
      if (this.#tracks.has('screen-audio') && allowed.has('screen-audio')) await this.#produce('screen-audio');
    }
    this.#syncLocal();
  }

  #syncLocal(): void {
    const mic = this.#producers.get('microphone');
    this.#setLocal({
      camera: this.#producers.has('camera') ? (this.#tracks.get('camera') ?? null) : null,
      screen: this.#producers.has('screen') ? (this.#tracks.get('screen') ?? null) : null,
      microphone: !!mic && !mic.closed && !mic.paused,
      hand: this.#wanted.hand,
    });
  }

  #ensureAllowed(source: MediaSource): void {
    if (!this.#view.permissions?.publish.includes(source)) throw new SignalingError('forbidden', `You may not publish ${source} in this session`);
  }

  setCamera(on: boolean): Promise<void> {
    return this.#exclusive(async () => {
      if (on) this.#ensureAllowed('camera');
      this.#wanted.camera = on;
      if (on) await this.#produce('camera');
      else await this.#unpublish('camera', true);
      this.#syncLocal();
    });
  }

  setMicrophone(on: boolean): Promise<void> {
    return this.#exclusive(async () => {
      if (on) this.#ensureAllowed('microphone');
      if (on && this.#view.local.mutedByHost) throw new SignalingError('muted_by_host', 'The teacher muted this classroom');
      this.#wanted.microphone = on;
      const mic = this.#producers.get('microphone');
      if (on && !mic) await this.#produce('microphone');
      else if (mic && on && mic.paused) {
        await this.signaling.request('resumeProducer', { producerId: mic.id });
        mic.resume();
      } else if (mic && !on && !mic.paused) {
        mic.pause();
        await this.signaling.request('pauseProducer', { producerId: mic.id });
      } else if (mic && !on && this.#view.local.mutedByHost) {
        // Paused by the host already: tell the server it is off by choice too, so the host's unmute leaves it off.
        await this.signaling.request('pauseProducer', { producerId: mic.id });
      }
      this.#syncLocal();
    });
  }

  setScreen(on: boolean): Promise<void> {
    return this.#exclusive(async () => {
      if (on) this.#ensureAllowed('screen');
      this.#wanted.screen = on;
      if (on) {
        await this.#produce('screen');
        if (this.#tracks.has('screen-audio') && this.#view.permissions?.publish.includes('screen-audio')) await this.#produce('screen-audio');
      } else {
        await this.#unpublish('screen', true);
        await this.#unpublish('screen-audio', true);
      }
      this.#syncLocal();
    });
  }

  async raiseHand(raised: boolean): Promise<void> {
    this.#wanted.hand = raised;
    this.#setLocal({ hand: raised });
    await this.signaling.request('raiseHand', { raised });
  }

  async setStage(peerId: string | null): Promise<void> {
    this.#wanted.stageAccountId = peerId ? (this.#view.peers.find((p) => p.peerId === peerId)?.accountId ?? null) : null;
    await this.signaling.request('setStage', { peerId });
  }

  async #restoreStage(): Promise<void> {
    const accountId = this.#wanted.stageAccountId;
    if (!accountId || !this.#view.permissions?.moderate) return;
    const current = this.#view.peers.find((p) => p.peerId === this.#view.stagePeerId);
    if (current?.accountId === accountId) return;
    const target = this.#view.peers.find((p) => p.accountId === accountId);
    if (target) await this.signaling.request('setStage', { peerId: target.peerId }).catch(() => undefined);
  }

  muteClassroom(peerId: string, muted: boolean): Promise<ResponseOf<'muteClassroom'>> {
    return this.signaling.request('muteClassroom', { peerId, muted });
  }

  lowerHand(peerId: string): Promise<ResponseOf<'lowerHand'>> {
    return this.signaling.request('lowerHand', { peerId });
  }

  async startRecording(): Promise<void> {
    this.#set({ recording: await this.signaling.request('startRecording', {}) });
  }

  async stopRecording(): Promise<void> {
    this.#set({ recording: await this.signaling.request('stopRecording', {}) });
  }

  async endSession(): Promise<ResponseOf<'endSession'>> {
    const verdict = await this.signaling.request('endSession', {}, 30_000);
    this.#shutdown({ status: verdict.status, reason: verdict.reason, failed: verdict.failed });
    return verdict;
  }

  // ---- notifications -----------------------------------------------------------------

  #listen(): void {
    const s = this.signaling;
    const upsert = (peer: LivePeer) => {
      const peers = this.#view.peers.filter((p) => p.peerId !== peer.peerId);
      this.#set({ peers: [...peers, peer] });
      if (peer.peerId === this.#view.peerId) this.#setLocal({ mutedByHost: peer.mutedByHost });
    };
    this.#unsubscribe.push(
      s.on('peerJoined', ({ peer }) => {
        upsert(peer);
        if (peer.accountId === this.#wanted.stageAccountId) void this.#restoreStage();
      }),
      s.on('peerUpdated', ({ peer }) => upsert(peer)),
      s.on('peerLeft', ({ peerId }) => this.#set({ peers: this.#view.peers.filter((p) => p.peerId !== peerId) })),
      s.on('newConsumer', (info) => void this.#addConsumer(info).catch((err) => console.warn('live: consume failed', err))),
      s.on('consumerClosed', ({ consumerId }) => {
        this.#consumers.get(consumerId)?.consumer.close();
        this.#consumers.delete(consumerId);
        this.#refreshRemote();
      }),
      s.on('consumerPaused', ({ consumerId }) => this.#flagConsumer(consumerId, true)),
      s.on('consumerResumed', ({ consumerId }) => this.#flagConsumer(consumerId, false)),
      s.on('producerClosed', ({ producerId, source }) => {
        const p = this.#producers.get(source);
        if (p?.id === producerId) {
          p.close();
          this.#producers.delete(source);
          this.#syncLocal();
        }
      }),
      s.on('mutedByHost', ({ muted }) => void this.#mutedByHost(muted)),
      s.on('patrolChanged', ({ patrols }) => this.#set({ patrols })),
      s.on('stageChanged', ({ peerId }) => this.#set({ stagePeerId: peerId })),
      s.on('handRaised', ({ peerId, raised }) => {
        if (peerId === this.#view.peerId) {
          this.#wanted.hand = raised;
          this.#setLocal({ hand: raised });
        }
      }),
      s.on('activeSpeaker', ({ peerId }) => this.#set({ activeSpeakerPeerId: peerId })),
      s.on('recordingChanged', (recording) => this.#set({ recording })),
      s.on('mediaRebuilt', () => this.#lost('media-rebuilt')),
      s.on('sessionEnded', ({ status, reason, failed }) => this.#shutdown({ status, reason, failed })),
      s.onStatus((up) => {
        if (this.#closed || this.#view.state === 'idle' || this.#view.state === 'joining') return;
        if (!up) this.#lost('signaling-lost');
        else this.#wake?.();
      }),
    );
  }

  #flagConsumer(consumerId: string, paused: boolean): void {
    const held = this.#consumers.get(consumerId);
    if (!held) return;
    held.producerPaused = paused;
    this.#refreshRemote();
  }

  async #mutedByHost(muted: boolean): Promise<void> {
    this.#setLocal({ mutedByHost: muted });
    const mic = this.#producers.get('microphone');
    if (!mic) return;
    if (muted) mic.pause();
    else if (this.#wanted.microphone) {
      mic.resume();
      await this.signaling.request('resumeProducer', { producerId: mic.id }).catch(() => undefined);
    }
    this.#syncLocal();
  }

  // ---- recovery -------------------------------------------------------------------------

  #lost(cause: LossCause): void {
    // While joining, a failure surfaces as start()'s error instead.
    if (this.#closed || this.#view.state === 'idle' || this.#view.state === 'joining') return;
    this.#recovery = escalate(this.#recovery, cause, Date.now(), this.signaling.connected);
    if (this.#view.state === 'live') this.#set({ state: 'reconnecting' });
    this.#wake?.();
    this.#recovering ??= this.#recover().finally(() => (this.#recovering = null));
  }

  /** Waits `ms`, or less if something happens (socket back, transport connected, worse loss). */
  #nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #healthy(): boolean {
    if (!this.signaling.connected) return false;
    return [this.#send, this.#recv].every((t) => !t || (!t.closed && (t.connectionState === 'connected' || t.connectionState === 'new')));
  }

  async #recover(): Promise<void> {
    while (this.#recovery && !this.#closed) {
      const state: RecoveryState = { ...this.#recovery, signalingUp: this.signaling.connected };
      const action = nextRecoveryAction(state, Date.now());
      if (action.delayMs > 0) await this.#nap(action.delayMs);
      if (this.#closed || !this.#recovery) return;
      // A worse loss may have come in while waiting.
      const current: RecoveryState = { ...this.#recovery, signalingUp: this.signaling.connected };
      const now = nextRecoveryAction(current, Date.now());
      if (now.kind !== action.kind) continue;
      if (action.kind === 'wait') {
        if (!this.signaling.connected) await Promise.race([this.signaling.whenConnected(), this.#nap(5000)]);
        this.#recovery = { ...current, signalingUp: this.signaling.connected };
        continue;
      }
      try {
        await this.#exclusive(async () => {
          if (action.kind === 'restartIce') {
            for (const t of [this.#send, this.#recv]) if (t && !t.closed && t.connectionState !== 'connected' && t.connectionState !== 'new') await this.#restartIce(t);
          } else if (action.kind === 'rebuildTransports') {
            this.#teardownMedia(false);
            await this.#establish(true);
          } else {
            await this.#establish(true);
          }
        });
        await this.#settle(action.kind === 'restartIce' ? 3000 : 6000);
      } catch (err) {
        // The session itself is gone or closed to us (a refused join): stop trying. A stale transport id is just a failed step.
        if (err instanceof SignalingError && err.request === 'join' && (err.code === 'not_live' || err.code === 'forbidden' || err.code === 'not_found')) {
          this.#shutdown({ status: 'ended', reason: err.message });
          return;
        }
        console.warn(`live: recovery step ${action.kind} failed`, err);
        // The server no longer has the transport: restarting its ICE cannot help, rejoin next.
        if (action.kind === 'restartIce' && err instanceof SignalingError && err.code === 'not_found' && this.#recovery) {
          this.#recovery = { ...this.#recovery, iceRestarts: ICE_RESTART_ATTEMPTS };
        }
      }
      if (this.#healthy()) {
        const done = this.#recovery;
        this.#recovery = null;
        this.#set({ state: 'live', recoveries: [...this.#view.recoveries, { action: action.kind, cause: done.cause, ms: Date.now() - done.lostAt }] });
        return;
      }
      this.#recovery = afterAttempt(this.#recovery, action);
    }
  }

  /** Gives connecting transports up to `ms` to reach connected. */
  async #settle(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && !this.#closed) {
      const states = [this.#send, this.#recv].filter((t): t is types.Transport => !!t && !t.closed).map((t) => t.connectionState);
      if (states.every((s) => s === 'connected' || s === 'new')) return;
      if (states.some((s) => s === 'failed')) return;
      await this.#nap(Math.min(250, deadline - Date.now()));
    }
  }
}
