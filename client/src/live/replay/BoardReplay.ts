import { Board } from '../../../../shared/courseware/board.ts';
import type { BoardSnapshot, ReplayEvent } from '../../../../shared/schemas/courseware.ts';
import type { BoardState } from '../../../../shared/signaling/courseware.ts';

/**
 * A recording's board at any moment of its video (CW-REPLAY-SYNC): the board as it stood
 * when the recording started, folded on (shared/courseware/board.ts, the room's own fold)
 * with every change up to that moment. Playing on applies only the changes since the last
 * moment asked for; a seek backwards folds again from the start.
 */
export class BoardReplay {
  readonly #start: BoardSnapshot;
  /** By offset; changes at the same offset keep the order they were applied in. */
  readonly #events: readonly ReplayEvent[];
  #board: Board;
  #applied = 0;
  #state: BoardState | null = null;

  constructor(start: BoardSnapshot, events: readonly ReplayEvent[]) {
    this.#start = start;
    this.#events = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.offsetMs - b.e.offsetMs || a.i - b.i).map(({ e }) => e);
    this.#board = Board.from(start);
  }

  get events(): readonly ReplayEvent[] {
    return this.#events;
  }

  /** How many changes happened at or before `ms` into the recording. */
  countAt(ms: number): number {
    let lo = 0;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#events[mid]!.offsetMs <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The board `ms` into the recording; the same object as long as no change happened in between. */
  at(ms: number): BoardState {
    const wanted = this.countAt(ms);
    if (wanted === this.#applied && this.#state) return this.#state;
    if (wanted < this.#applied) {
      this.#board = Board.from(this.#start);
      this.#applied = 0;
    }
    while (this.#applied < wanted) this.#board.apply(this.#events[this.#applied++]!);
    this.#state = this.#board.state();
    return this.#state;
  }
}
