import { SignalingError } from '../../../shared/signaling/protocol.ts';
import { chooseAudioCourseware, declineAudioCourseware, initialAudioCourseware, nextAudioCourseware, type AudioCoursewareState } from './audioCourseware.ts';
import type { LiveContext } from './LiveContext.ts';
import type { Receiving } from './Receiving.ts';

/**
 * A classroom terminal's audio-and-courseware mode (仅声音和课件): the server holds every
 * video this classroom receives while sound and the courseware keep coming. The policy of
 * audioCourseware.ts offers it after a run of weak samples and enters it by itself after
 * more; leaving is the user's. The host may switch a classroom too: this classroom then
 * learns it from its own peer entry. The wish survives rejoins (`tellServer`).
 */
export class AudioCoursewareMode {
  readonly #ctx: LiveContext;
  readonly #receiving: Receiving;
  #state: AudioCoursewareState = initialAudioCourseware;

  constructor(ctx: LiveContext, receiving: Receiving) {
    this.#ctx = ctx;
    this.#receiving = receiving;
    const s = ctx.signaling;
    ctx.hold(
      ctx.on('sample', (sample, quality) => {
        if (!this.#classroom()) return;
        const before = this.#state;
        this.#state = nextAudioCourseware(before, sample, quality);
        if (this.#state.active !== before.active) void this.#tell(true);
        else if (this.#state.offered !== before.offered) this.#show();
      }),
      // The host switched this classroom (or the server answered ours): the server's word wins.
      s.on('peerUpdated', ({ peer }) => {
        if (peer.peerId !== ctx.view.peerId || peer.audioCourseware === this.#state.active) return;
        this.#state = chooseAudioCourseware(peer.audioCourseware);
        this.#apply();
      }),
    );
  }

  /** The user enters or leaves the mode (accepting the offer enters it). */
  async choose(active: boolean): Promise<void> {
    this.#state = chooseAudioCourseware(active);
    await this.#tell(false);
  }

  decline(): void {
    this.#state = declineAudioCourseware(this.#state);
    this.#show();
  }

  /** After a (re)join: a fresh server-side peer starts with video; tell it before its consumers exist. */
  async tellServer(): Promise<void> {
    if (this.#ctx.wanted.audioCourseware && this.#classroom()) await this.#tell(true);
  }

  #classroom(): boolean {
    return this.#ctx.view.permissions?.role === 'classroom';
  }

  async #tell(quiet: boolean): Promise<void> {
    this.#apply();
    try {
      await this.#ctx.signaling.request('setAudioCourseware', { enabled: this.#state.active });
    } catch (err) {
      // The socket is away (`internal`): the wish is kept and told again after the rejoin.
      if (!(err instanceof SignalingError) || err.code === 'internal') return;
      // Refused: back to what the server holds.
      this.#state = chooseAudioCourseware(!this.#state.active);
      this.#apply();
      if (!quiet) throw err;
    }
  }

  #apply(): void {
    this.#ctx.wanted.audioCourseware = this.#state.active;
    this.#receiving.holdVideo(this.#state.active);
    this.#show();
  }

  #show(): void {
    const { active, offered, auto } = this.#state;
    this.#ctx.set({ audioCourseware: { active, offered, auto } });
  }
}
