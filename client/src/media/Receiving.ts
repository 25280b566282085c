import type { types } from 'mediasoup-client';
import type { MediaSource } from '../../../shared/schemas/live.ts';
import type { ConsumerOptions } from '../../../shared/signaling/live.ts';
import type { LiveContext } from './LiveContext.ts';
import type { BandwidthMode } from './quality.ts';
import type { Transports } from './Transports.ts';

interface HeldConsumer {
  consumer: types.Consumer;
  info: ConsumerOptions;
  producerPaused: boolean;
  pausedHere: boolean;
}

export interface DecodedVideo {
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

/**
 * What this participant receives: the consumers the server made for it (all
 * at join, later ones pushed as `newConsumer`), each resumed once it exists
 * here, and the remote tracks the view shows.
 */
export class Receiving {
  readonly #ctx: LiveContext;
  readonly #transports: Transports;
  readonly #mode: () => BandwidthMode;
  readonly #consumers = new Map<string, HeldConsumer>();
  /** The server holds every video of this participant (audio-and-courseware mode): none is expected. */
  #videoHeld = false;

  constructor(ctx: LiveContext, transports: Transports, mode: () => BandwidthMode) {
    this.#ctx = ctx;
    this.#transports = transports;
    this.#mode = mode;
    const s = ctx.signaling;
    ctx.hold(
      s.on('newConsumer', (info) => void this.#add(info).catch((err) => console.warn('live: consume failed', err))),
      s.on('consumerClosed', ({ consumerId }) => {
        this.#consumers.get(consumerId)?.consumer.close();
        this.#consumers.delete(consumerId);
        this.refresh();
      }),
      s.on('consumerPaused', ({ consumerId }) => this.#flag(consumerId, true)),
      s.on('consumerResumed', ({ consumerId }) => this.#flag(consumerId, false)),
    );
  }

  /** Publishes the remote tracks to the view. */
  refresh(): void {
    this.#ctx.set({
      remote: [...this.#consumers.values()].map((c) => ({
        consumerId: c.info.id,
        producerId: c.info.producerId,
        peerId: c.info.producerPeerId,
        source: c.info.source,
        kind: c.info.kind,
        track: c.consumer.track,
        producerPaused: c.producerPaused,
        pausedHere: c.pausedHere || (this.#videoHeld && c.info.kind === 'video'),
      })),
    });
  }

  /** Asks the server for everything this participant may receive now; drops what it no longer holds. */
  async consumeAll(): Promise<void> {
    performance.mark('live:consume');
    const { consumers } = await this.#ctx.signaling.request('consume', { rtpCapabilities: this.#transports.rtpCapabilities });
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
    await Promise.all(fresh.map((c) => this.#add(c)));
    this.refresh();
  }

  async #add(info: ConsumerOptions): Promise<void> {
    const recv = this.#transports.recv;
    if (!recv || recv.closed || this.#consumers.has(info.id)) return;
    const consumer = await recv.consume({
      id: info.id,
      producerId: info.producerId,
      kind: info.kind,
      rtpParameters: info.rtpParameters as types.RtpParameters,
      appData: { source: info.source, peerId: info.producerPeerId },
    });
    const held: HeldConsumer = { consumer, info, producerPaused: info.producerPaused, pausedHere: false };
    this.#consumers.set(info.id, held);
    const thumbnail = this.#ctx.options.thumbnail;
    // Minimal bandwidth: cameras stay paused at the server; everything else starts now (a key frame is requested).
    if (info.kind === 'video' && info.source === 'camera' && this.#mode() === 'minimal') held.pausedHere = true;
    else if (thumbnail && !this.#thumbnailWants(info)) held.pausedHere = true;
    else {
      if (thumbnail) await this.#ctx.signaling.request('setPreferredLayers', { consumerId: info.id, spatialLayer: 0, temporalLayer: 0 }).catch(() => undefined);
      await this.#ctx.signaling.request('resumeConsumer', { consumerId: info.id });
    }
    this.refresh();
  }

  /** A thumbnail shows the host teacher's camera only. */
  #thumbnailWants(info: ConsumerOptions): boolean {
    return info.kind === 'video' && info.source === 'camera' && this.#ctx.view.peers.find((p) => p.peerId === info.producerPeerId)?.role === 'host';
  }

  #flag(consumerId: string, paused: boolean): void {
    const held = this.#consumers.get(consumerId);
    if (!held) return;
    held.producerPaused = paused;
    this.refresh();
  }

  /** Minimal bandwidth pauses the cameras at the server (a thumbnail keeps its own choice); other modes resume them. */
  async applyMode(mode: BandwidthMode): Promise<void> {
    for (const held of this.#consumers.values()) {
      if (held.info.kind !== 'video' || held.info.source !== 'camera' || this.#ctx.options.thumbnail) continue;
      const pauseIt = mode === 'minimal';
      if (pauseIt === held.pausedHere) continue;
      held.pausedHere = pauseIt;
      await this.#ctx.signaling.request(pauseIt ? 'pauseConsumer' : 'resumeConsumer', { consumerId: held.info.id }).catch(() => undefined);
    }
  }

  /** Audio-and-courseware mode: the server holds the videos, so no frame is awaited from them. */
  holdVideo(held: boolean): void {
    this.#videoHeld = held;
    this.refresh();
  }

  /** Whether media should be arriving (something is neither paused by its sender nor here, nor a held video). */
  expecting(): boolean {
    return [...this.#consumers.values()].some((c) => !c.producerPaused && !c.pausedHere && !(this.#videoHeld && c.info.kind === 'video'));
  }

  /** Decoded-frame counts per remote video, from the latest stats reading (keyed by mid). */
  inboundVideo(decoded: ReadonlyMap<string, DecodedVideo>): ({ peerId: string; source: MediaSource } & DecodedVideo)[] {
    return [...this.#consumers.values()]
      .filter((c) => c.info.kind === 'video')
      .map((c) => ({ peerId: c.info.producerPeerId, source: c.info.source, ...(decoded.get(c.consumer.rtpParameters.mid ?? '') ?? { framesDecoded: 0, frameWidth: 0, frameHeight: 0 }) }));
  }

  /** Closes every consumer (their transport is going away). */
  closeAll(): void {
    for (const c of this.#consumers.values()) c.consumer.close();
    this.#consumers.clear();
  }
}
