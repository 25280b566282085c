import type { types } from 'mediasoup-client';
import type { MediaSource } from '../../../shared/schemas/live.ts';
import type { ResponseOf } from '../../../shared/signaling/protocol.ts';
import { SignalingError } from '../../../shared/signaling/protocol.ts';
import { captureCamera, captureMicrophone, captureScreen, type CameraProfile } from './devices.ts';
import type { LiveContext } from './LiveContext.ts';
import { produceOptions } from './publish.ts';
import type { BandwidthMode } from './quality.ts';
import type { Transports } from './Transports.ts';

/**
 * What this participant sends: its devices (camera, microphone, screen and its
 * sound), one producer per source (simulcast per publish.ts), the host's mute,
 * and the wishes that bring every source back after a rejoin.
 */
export class Publishing {
  readonly #ctx: LiveContext;
  readonly #transports: Transports;
  readonly #mode: () => BandwidthMode;
  readonly #producers = new Map<MediaSource, types.Producer>();
  readonly #tracks = new Map<MediaSource, MediaStreamTrack>();

  constructor(ctx: LiveContext, transports: Transports, mode: () => BandwidthMode) {
    this.#ctx = ctx;
    this.#transports = transports;
    this.#mode = mode;
    const s = ctx.signaling;
    ctx.hold(
      s.on('producerClosed', ({ producerId, source }) => {
        const p = this.#producers.get(source);
        if (p?.id === producerId) {
          p.close();
          this.#producers.delete(source);
          this.syncLocal();
        }
      }),
      s.on('mutedByHost', ({ muted }) => void this.#mutedByHost(muted)),
    );
  }

  async #capture(source: MediaSource): Promise<MediaStreamTrack> {
    const existing = this.#tracks.get(source);
    if (existing && existing.readyState === 'live') return existing;
    const c = this.#ctx.options.capture ?? {};
    let track: MediaStreamTrack;
    if (source === 'microphone') track = await (c.microphone ?? captureMicrophone)();
    else if (source === 'camera') {
      const view = this.#ctx.view;
      const profile: CameraProfile = view.permissions?.role === 'classroom' ? 'classroom' : view.session?.kind === 'online_research' ? 'research' : 'teacher';
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
    const send = this.#transports.send;
    if (!send || send.closed || this.#producers.has(source)) return;
    const track = await this.#capture(source);
    const role = this.#ctx.view.permissions?.role ?? 'classroom';
    const producer = await send.produce({
      ...produceOptions(source, role, track),
      stopTracks: false,
      appData: { source },
      onRtpSender: (sender) => (this.#transports.pendingSender = sender),
    });
    this.#producers.set(source, producer);
    if (source === 'camera' && this.#mode() !== 'normal' && (producer.rtpParameters.encodings?.length ?? 1) > 1) {
      await producer.setMaxSpatialLayer(0).catch(() => undefined);
    }
  }

  async #unpublish(source: MediaSource, stopTrack: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    this.#producers.delete(source);
    if (producer && !producer.closed) {
      producer.close();
      await this.#ctx.signaling.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
    }
    if (stopTrack) {
      this.#tracks.get(source)?.stop();
      this.#tracks.delete(source);
    }
  }

  /** A resumed join: keeps the producers the server still holds, closes the rest on both sides. */
  async keepHeld(held: ResponseOf<'join'>['held']['producers']): Promise<void> {
    const heldProducers = new Map(held.map((p) => [p.id, p]));
    for (const [source, producer] of this.#producers) {
      if (!heldProducers.has(producer.id)) {
        producer.close();
        this.#producers.delete(source);
      }
      heldProducers.delete(producer.id);
    }
    for (const stale of heldProducers.keys()) await this.#ctx.signaling.request('closeProducer', { producerId: stale }).catch(() => undefined);
  }

  /** Publishes every source that is wanted and allowed, microphone first (a lesson must be heard before it is seen). */
  async publishWanted(): Promise<void> {
    const view = this.#ctx.view;
    const wanted = this.#ctx.wanted;
    const allowed = new Set(view.permissions?.publish ?? []);
    if (wanted.microphone && allowed.has('microphone')) {
      // A muted classroom's microphone is produced paused by the server (and stays so until the host lets it speak).
      await this.#produce('microphone');
      if (this.#ctx.view.local.mutedByHost) this.#producers.get('microphone')?.pause();
    }
    if (wanted.camera && allowed.has('camera')) await this.#produce('camera');
    if (wanted.screen && allowed.has('screen')) {
      await this.#produce('screen');
      if (this.#tracks.has('screen-audio') && allowed.has('screen-audio')) await this.#produce('screen-audio');
    }
    this.syncLocal();
  }

  /** Publishes what is sent to the view. */
  syncLocal(): void {
    const mic = this.#producers.get('microphone');
    this.#ctx.setLocal({
      camera: this.#producers.has('camera') ? (this.#tracks.get('camera') ?? null) : null,
      screen: this.#producers.has('screen') ? (this.#tracks.get('screen') ?? null) : null,
      microphone: !!mic && !mic.closed && !mic.paused,
      hand: this.#ctx.wanted.hand,
    });
  }

  #ensureAllowed(source: MediaSource): void {
    if (!this.#ctx.view.permissions?.publish.includes(source)) throw new SignalingError('forbidden', `You may not publish ${source} in this session`);
  }

  setCamera(on: boolean): Promise<void> {
    return this.#ctx.exclusive(async () => {
      if (on) this.#ensureAllowed('camera');
      this.#ctx.wanted.camera = on;
      if (on) await this.#produce('camera');
      else await this.#unpublish('camera', true);
      this.syncLocal();
    });
  }

  setMicrophone(on: boolean): Promise<void> {
    return this.#ctx.exclusive(async () => {
      if (on) this.#ensureAllowed('microphone');
      if (on && this.#ctx.view.local.mutedByHost) throw new SignalingError('muted_by_host', 'The teacher muted this classroom');
      this.#ctx.wanted.microphone = on;
      const signaling = this.#ctx.signaling;
      const mic = this.#producers.get('microphone');
      if (on && !mic) await this.#produce('microphone');
      else if (mic && on && mic.paused) {
        await signaling.request('resumeProducer', { producerId: mic.id });
        mic.resume();
      } else if (mic && !on && !mic.paused) {
        mic.pause();
        await signaling.request('pauseProducer', { producerId: mic.id });
      } else if (mic && !on && this.#ctx.view.local.mutedByHost) {
        // Paused by the host already: tell the server it is off by choice too, so the host's unmute leaves it off.
        await signaling.request('pauseProducer', { producerId: mic.id });
      }
      this.syncLocal();
    });
  }

  setScreen(on: boolean): Promise<void> {
    return this.#ctx.exclusive(async () => {
      if (on) this.#ensureAllowed('screen');
      this.#ctx.wanted.screen = on;
      if (on) {
        await this.#produce('screen');
        if (this.#tracks.has('screen-audio') && this.#ctx.view.permissions?.publish.includes('screen-audio')) await this.#produce('screen-audio');
      } else {
        await this.#unpublish('screen', true);
        await this.#unpublish('screen-audio', true);
      }
      this.syncLocal();
    });
  }

  async #mutedByHost(muted: boolean): Promise<void> {
    this.#ctx.setLocal({ mutedByHost: muted });
    const mic = this.#producers.get('microphone');
    if (!mic) return;
    if (muted) mic.pause();
    else if (this.#ctx.wanted.microphone) {
      mic.resume();
      await this.#ctx.signaling.request('resumeProducer', { producerId: mic.id }).catch(() => undefined);
    }
    this.syncLocal();
  }

  /** Low and minimal bandwidth: this client's own camera sends only its lowest simulcast layer. */
  async applyMode(mode: BandwidthMode): Promise<void> {
    const camera = this.#producers.get('camera');
    if (camera && !camera.closed) {
      const layers = camera.rtpParameters.encodings?.length ?? 1;
      if (layers > 1) await camera.setMaxSpatialLayer(mode === 'normal' ? layers - 1 : 0).catch(() => undefined);
    }
  }

  /** The microphone's capture settings (echo cancellation, noise suppression, gain control) as the browser applied them. */
  microphoneSettings(): MediaTrackSettings | null {
    return this.#tracks.get('microphone')?.getSettings() ?? null;
  }

  /** Closes every producer (their transport is going away). */
  closeAll(): void {
    for (const p of this.#producers.values()) p.close();
    this.#producers.clear();
  }

  /** Releases camera, microphone and screen. */
  stopTracks(): void {
    for (const t of this.#tracks.values()) t.stop();
    this.#tracks.clear();
  }
}
