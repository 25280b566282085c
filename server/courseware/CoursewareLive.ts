import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import type { LiveRoom } from '../live/LiveRoom.ts';
import { RateWindow, type RateLimit } from '../live/RateWindow.ts';
import { BoardTimeline } from './BoardTimeline.ts';
import { RoomBoard } from './RoomBoard.ts';
import type { CoursewareStore } from './store.ts';

/**
 * The live side of courseware for one platform: each open LiveRoom's board,
 * kept in a WeakMap keyed by the room so it lives and dies with it; a room's
 * board is rebuilt from the session's timeline when first asked for (a server
 * restarted mid-lesson, or a room rebuilt, picks up the page and strokes where
 * they were: BOARD-RESTORE).
 */
export class CoursewareLive {
  readonly store: CoursewareStore;
  readonly db: Db;
  readonly #log: Logger;
  readonly #boards = new WeakMap<LiveRoom, Promise<RoomBoard>>();
  /**
   * The last room per session whose board was opened: a room rebuilt on this node reads the
   * timeline only once its predecessor's writes are in (they would be missed, and their
   * places in the order taken twice). Closed rooms whose writes are done are dropped.
   */
  readonly #last = new Map<string, { room: LiveRoom; board: Promise<RoomBoard>; opened: RoomBoard | null }>();
  /** BOARD-RATE, for every room of the platform (keyed by session and account). */
  readonly #writeRate: RateWindow;

  constructor(deps: { db: Db; log: Logger; store: CoursewareStore; strokeRate: RateLimit }) {
    this.db = deps.db;
    this.#log = deps.log;
    this.store = deps.store;
    this.#writeRate = new RateWindow(deps.strokeRate);
  }

  boardOf(room: LiveRoom): Promise<RoomBoard> {
    let board = this.#boards.get(room);
    if (!board) {
      this.#dropSettled();
      board = this.#open(room, this.#last.get(room.sessionId)?.board);
      const last = { room, board, opened: null as RoomBoard | null };
      this.#boards.set(room, board);
      this.#last.set(room.sessionId, last);
      void board.then(
        (b) => (last.opened = b),
        // A failed load is not kept: the next request tries again.
        () => {
          this.#boards.delete(room);
          if (this.#last.get(room.sessionId) === last) this.#last.delete(room.sessionId);
        },
      );
    }
    return board;
  }

  async #open(room: LiveRoom, previous: Promise<RoomBoard> | undefined): Promise<RoomBoard> {
    await previous?.then((b) => b.timeline.flushed()).catch(() => undefined);
    const { timeline, events } = await BoardTimeline.open(this.db, this.#log, room.sessionId);
    return new RoomBoard(room, timeline, events, this.#writeRate);
  }

  #dropSettled(): void {
    for (const [sessionId, last] of this.#last) if (last.room.closed && last.opened?.timeline.idle) this.#last.delete(sessionId);
  }
}
