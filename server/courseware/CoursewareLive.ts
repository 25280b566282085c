import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import type { LiveRoom } from '../live/LiveRoom.ts';
import { BoardTimeline } from './BoardTimeline.ts';
import { RoomBoard } from './RoomBoard.ts';
import type { CoursewareStore } from './store.ts';

/**
 * The live side of courseware for one platform: each open LiveRoom's board,
 * kept in a WeakMap keyed by the room so it lives and dies with it; a room's
 * board is rebuilt from the session's timeline when first asked for (a server
 * restarted mid-lesson picks up the page and strokes where they were).
 */
export class CoursewareLive {
  readonly store: CoursewareStore;
  readonly db: Db;
  readonly #log: Logger;
  readonly #boards = new WeakMap<LiveRoom, Promise<RoomBoard>>();

  constructor(deps: { db: Db; log: Logger; store: CoursewareStore }) {
    this.db = deps.db;
    this.#log = deps.log;
    this.store = deps.store;
  }

  boardOf(room: LiveRoom): Promise<RoomBoard> {
    let board = this.#boards.get(room);
    if (!board) {
      board = BoardTimeline.open(this.db, this.#log, room.sessionId).then(({ timeline, events }) => new RoomBoard(room, timeline, events));
      // A failed load is not kept: the next request tries again.
      board.catch(() => this.#boards.delete(room));
      this.#boards.set(room, board);
    }
    return board;
  }
}
