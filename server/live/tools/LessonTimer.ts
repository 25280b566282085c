import type { TimerState } from '../../../shared/schemas/classTools.ts';
import { LiveError } from '../errors.ts';

/** One change of the countdown as the tool timeline keeps it (`started` {seconds}, `paused` {remainingMs}, `continued`, `reset`). */
export interface TimerChange {
  readonly action: string;
  readonly detail: Record<string, unknown>;
  readonly at: Date;
}

/**
 * The lesson countdown of one live room (T-TIMER-*). It keeps instants, not ticks: a
 * running countdown is its end instant, so every page — a late joiner too — computes
 * what is left from server time, and the server runs no clock of its own for it.
 */
export class LessonTimer {
  #durationMs = 0;
  /** While running: when it reaches zero. */
  #endsAt: number | null = null;
  /** While paused: what is left. */
  #remainingMs = 0;

  start(seconds: number | undefined, now: Date): void {
    if (seconds !== undefined) {
      this.#durationMs = seconds * 1000;
      this.#endsAt = now.getTime() + this.#durationMs;
      this.#remainingMs = 0;
      return;
    }
    if (this.#runningAt(now.getTime())) throw new LiveError('conflict', 'The countdown is running already');
    if (this.#endsAt !== null || this.#remainingMs <= 0) throw new LiveError('conflict', 'No paused countdown to continue: start one with its length');
    this.#endsAt = now.getTime() + this.#remainingMs;
    this.#remainingMs = 0;
  }

  pause(now: Date): void {
    if (!this.#runningAt(now.getTime())) throw new LiveError('conflict', 'The countdown is not running');
    this.#remainingMs = Math.max(0, this.#endsAt! - now.getTime());
    this.#endsAt = null;
  }

  reset(): void {
    this.#durationMs = 0;
    this.#endsAt = null;
    this.#remainingMs = 0;
  }

  /**
   * T-TIMER-RESTORE: the countdown of a rebuilt room, from the changes the timeline kept —
   * the same end instant as before, so it keeps running (or stays paused) where it was.
   */
  replay(changes: readonly TimerChange[]): void {
    for (const { action, detail, at } of changes) {
      const t = at.getTime();
      if (action === 'started' && typeof detail.seconds === 'number') {
        this.#durationMs = detail.seconds * 1000;
        this.#endsAt = t + this.#durationMs;
        this.#remainingMs = 0;
      } else if (action === 'paused' && typeof detail.remainingMs === 'number') {
        this.#remainingMs = detail.remainingMs;
        this.#endsAt = null;
      } else if (action === 'continued') {
        this.#endsAt = t + this.#remainingMs;
        this.#remainingMs = 0;
      } else if (action === 'reset') {
        this.reset();
      }
    }
  }

  #runningAt(now: number): boolean {
    return this.#endsAt !== null && this.#endsAt > now;
  }

  state(now: Date): TimerState {
    const t = now.getTime();
    const running = this.#runningAt(t);
    return {
      durationSeconds: Math.round(this.#durationMs / 1000),
      running,
      endsAt: this.#endsAt !== null ? new Date(this.#endsAt).toISOString() : null,
      remainingMs: running ? this.#endsAt! - t : this.#endsAt !== null ? 0 : this.#remainingMs,
      serverNow: now.toISOString(),
    };
  }
}
