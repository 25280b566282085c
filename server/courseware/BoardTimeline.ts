import { and, asc, eq, lte } from 'drizzle-orm';
import { Board } from '../../shared/courseware/board.ts';
import type { BoardSnapshot, BoardTimelineEvent, ReplayEvent } from '../../shared/schemas/courseware.ts';
import type { Db } from '../db/client.ts';
import { liveBoardEvents } from '../db/schema/index.ts';
import type { Logger } from '../log.ts';
import type { BoardEvent } from '../../shared/courseware/board.ts';

/**
 * A session's board timeline in the database (BOARD-TIMELINE): every applied
 * BoardEvent with its time and order, appended in the background so a page turn
 * reaches the classrooms without waiting for a write; writes are serialized and
 * batched (a stroke burst is one INSERT).
 */
export class BoardTimeline {
  readonly #db: Db;
  readonly #log: Logger;
  readonly sessionId: string;
  #seq: number;
  #pending: (typeof liveBoardEvents.$inferInsert)[] = [];
  #writing: Promise<void> = Promise.resolve();
  #inFlight = 0;

  private constructor(db: Db, log: Logger, sessionId: string, nextSeq: number) {
    this.#db = db;
    this.#log = log;
    this.sessionId = sessionId;
    this.#seq = nextSeq;
  }

  /** The session's timeline so far (to replay into a Board) and a writer that continues it. */
  static async open(db: Db, log: Logger, sessionId: string): Promise<{ timeline: BoardTimeline; events: BoardEvent[] }> {
    const rows = await db.select().from(liveBoardEvents).where(eq(liveBoardEvents.sessionId, sessionId)).orderBy(asc(liveBoardEvents.seq));
    const events = rows.map((r) => ({ kind: r.kind, accountId: r.accountId, payload: r.payload }) as BoardEvent);
    return { timeline: new BoardTimeline(db, log, sessionId, (rows.at(-1)?.seq ?? 0) + 1), events };
  }

  static async read(db: Db, sessionId: string): Promise<BoardTimelineEvent[]> {
    const rows = await db.select().from(liveBoardEvents).where(eq(liveBoardEvents.sessionId, sessionId)).orderBy(asc(liveBoardEvents.seq));
    return rows.map((r) => ({ seq: r.seq, at: r.at.toISOString(), kind: r.kind as BoardTimelineEvent['kind'], accountId: r.accountId, payload: r.payload as Record<string, unknown> }));
  }

  /**
   * CW-REPLAY-TIME: the board as it stood at `from` (everything before folded into a
   * snapshot) and its changes from `from` until `to`, each at its offset from `from`.
   */
  static async between(db: Db, sessionId: string, from: Date, to: Date): Promise<{ start: BoardSnapshot; events: ReplayEvent[] }> {
    const rows = await db
      .select()
      .from(liveBoardEvents)
      .where(and(eq(liveBoardEvents.sessionId, sessionId), lte(liveBoardEvents.at, to)))
      .orderBy(asc(liveBoardEvents.seq));
    const before = new Board();
    const events: ReplayEvent[] = [];
    for (const r of rows) {
      const e = { kind: r.kind, accountId: r.accountId, payload: r.payload } as BoardEvent;
      // In the order applied: once one change is inside the recording, all later ones are.
      if (events.length === 0 && r.at < from) before.apply(e);
      else events.push({ offsetMs: Math.max(0, Math.round(r.at.getTime() - from.getTime())), ...e });
    }
    return { start: before.snapshot(), events };
  }

  append(e: BoardEvent, at = new Date()): void {
    this.#pending.push({ sessionId: this.sessionId, seq: this.#seq++, at, kind: e.kind, accountId: e.accountId, payload: e.payload });
    if (this.#pending.length === 1) this.#writing = this.#writing.then(() => this.#write());
  }

  /** Resolves when everything appended so far is in the database. */
  flushed(): Promise<void> {
    return this.#writing;
  }

  /** Nothing waits to be written, nothing is being written. */
  get idle(): boolean {
    return this.#pending.length === 0 && this.#inFlight === 0;
  }

  async #write(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    this.#inFlight++;
    try {
      await this.#db.insert(liveBoardEvents).values(batch);
    } catch (err) {
      this.#log.error({ err, sessionId: this.sessionId, events: batch.length }, 'courseware: writing the board timeline failed');
    } finally {
      this.#inFlight--;
    }
  }
}
