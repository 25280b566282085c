import type { LiveRole } from '../../shared/schemas/live.ts';
import { LiveError } from './errors.ts';
import type { Participant } from './LiveRoom.ts';
import { RateWindow } from './RateWindow.ts';

/** Where accepted join-to-first-frame reports go (the metrics histogram), in seconds. */
export type FirstFrameObserver = (role: LiveRole, seconds: number) => void;

export interface FirstFrameLimits {
  /** Reports one account may make in `windowMs` (a classroom box rejoining all morning stays within it). */
  readonly perAccount: number;
  readonly windowMs: number;
}

export const FIRST_FRAME_LIMITS: FirstFrameLimits = { perAccount: 10, windowMs: 10 * 60 * 1000 };

/**
 * Clients' join-to-first-frame reports (`reportFirstFrame`). The figure is the
 * client's word, so it is never trusted for anything but the histogram: the table
 * bounds it (0 < ms < 10 min), a join reports once (the flag on its participant,
 * which a fresh join replaces), and one account may report only so often. A refused
 * report is recorded nowhere.
 */
export class FirstFrameReports {
  readonly #limits: FirstFrameLimits;
  readonly #perAccount: RateWindow;
  #observer: FirstFrameObserver | null = null;

  constructor(limits: FirstFrameLimits = FIRST_FRAME_LIMITS, now: () => number = Date.now) {
    this.#limits = limits;
    this.#perAccount = new RateWindow({ max: limits.perAccount, windowMs: limits.windowMs }, now);
  }

  /** The metrics take the accepted reports from now on (none without METRICS_TOKEN). */
  observe(observer: FirstFrameObserver | null): void {
    this.#observer = observer;
  }

  accept(peer: Participant, ms: number): void {
    if (peer.firstFrameReported) throw new LiveError('conflict', 'reportFirstFrame: this join has reported its first frame already');
    if (!this.#perAccount.take(peer.actor.accountId)) {
      throw new LiveError('conflict', `reportFirstFrame: at most ${this.#limits.perAccount} reports per account in ${this.#limits.windowMs / 60_000} min`);
    }
    peer.firstFrameReported = true;
    this.#observer?.(peer.role, ms / 1000);
  }
}
