/** How many actions one key may take in a window. */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

/**
 * A sliding window per key (a participant, an account): at most `max` actions in any
 * `windowMs`. Only accepted actions count, so a client that keeps trying while refused
 * gets through again as soon as its oldest accepted action leaves the window. In memory:
 * counts of one process (a lesson lives on one node).
 */
export class RateWindow {
  readonly limit: RateLimit;
  readonly #now: () => number;
  /** Key → times of its accepted actions inside the window, oldest first. */
  readonly #recent = new Map<string, number[]>();

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.limit = limit;
    this.#now = now;
  }

  /** Counts one action of `key` and says true, or says false (counting nothing) when `key` is at its limit. */
  take(key: string): boolean {
    const now = this.#now();
    const since = now - this.limit.windowMs;
    const times = this.#recent.get(key) ?? [];
    while (times.length > 0 && times[0]! <= since) times.shift();
    if (times.length >= this.limit.max) {
      this.#recent.set(key, times);
      return false;
    }
    times.push(now);
    this.#recent.set(key, times);
    this.#forget(since);
    return true;
  }

  /** Drops keys whose actions all left the window (the map holds only recent actors). */
  #forget(since: number): void {
    if (this.#recent.size < 1000) return;
    for (const [key, times] of this.#recent) if (times.every((t) => t <= since)) this.#recent.delete(key);
  }
}
