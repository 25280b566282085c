import type { LiveContext } from './LiveContext.ts';
import type { Publishing } from './Publishing.ts';
import { bandwidthMode, chooseBandwidth, classify, nextLowBandwidth, QUALITY_SAMPLE_MS, type BandwidthChoice, type BandwidthMode, type LowBandwidthState } from './quality.ts';
import type { DecodedVideo, Receiving } from './Receiving.ts';
import { readStats, type StatsTotals } from './stats.ts';
import type { Transports } from './Transports.ts';

/**
 * Link quality and the bandwidth mode: the transports' stats are sampled every
 * QUALITY_SAMPLE_MS, classified (quality.ts), and a poor run switches low
 * bandwidth on by itself (a good run off again) unless the user chose a mode.
 */
export class Bandwidth {
  readonly #ctx: LiveContext;
  readonly #transports: Transports;
  readonly #receiving: Receiving;
  readonly #publishing: Publishing;
  #state: LowBandwidthState;
  #timer: ReturnType<typeof setInterval> | null = null;
  #totals: StatsTotals | null = null;
  #decoded = new Map<string, DecodedVideo>();

  constructor(ctx: LiveContext, parts: { transports: Transports; receiving: Receiving; publishing: Publishing }, state: LowBandwidthState) {
    this.#ctx = ctx;
    this.#transports = parts.transports;
    this.#receiving = parts.receiving;
    this.#publishing = parts.publishing;
    this.#state = state;
  }

  get mode(): BandwidthMode {
    return bandwidthMode(this.#state);
  }

  /** Decoded frames per remote video (by mid) as of the latest sample. */
  get decoded(): ReadonlyMap<string, DecodedVideo> {
    return this.#decoded;
  }

  startSampling(): void {
    this.#timer = setInterval(() => void this.sample(), QUALITY_SAMPLE_MS);
  }

  stopSampling(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  async sample(): Promise<void> {
    if (this.#ctx.closed) return;
    const reading = await readStats(this.#transports.send, this.#transports.recv, this.#receiving.expecting(), this.#totals);
    this.#totals = reading.totals;
    this.#decoded = reading.framesDecoded;
    const quality = this.#ctx.view.state === 'reconnecting' ? 'lost' : classify(reading.sample);
    const before = this.mode;
    this.#state = nextLowBandwidth(this.#state, quality);
    this.#ctx.set({ quality, link: reading.sample });
    this.#ctx.emit('sample', reading.sample, quality);
    if (this.mode !== before) await this.#apply();
  }

  choose(choice: BandwidthChoice): Promise<void> {
    this.#state = chooseBandwidth(this.#state, choice);
    return this.#apply();
  }

  /** A new server-side peer starts in normal mode: tell it before its consumers exist. */
  async tellServer(): Promise<void> {
    if (this.mode !== 'normal') await this.#ctx.signaling.request('setLowBandwidth', { enabled: true }).catch(() => undefined);
  }

  /**
   * Applies the bandwidth mode: low and minimal ask the server to hold every
   * video at its lowest simulcast layer (and cap the receive transport);
   * minimal also pauses the cameras at the server (sound and screen only);
   * this client's own camera sends only its lowest layer.
   */
  async #apply(): Promise<void> {
    const mode = this.mode;
    this.#ctx.set({ bandwidth: mode, bandwidthChoice: this.#state.choice });
    if (!this.#ctx.peer || this.#ctx.closed) return;
    await this.#ctx.signaling.request('setLowBandwidth', { enabled: mode !== 'normal' }).catch(() => undefined);
    await this.#receiving.applyMode(mode);
    await this.#publishing.applyMode(mode);
    this.#receiving.refresh();
  }
}
