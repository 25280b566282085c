import { BLANK_BOARD_PAGES, MAX_STROKES_PER_PAGE, roundFraction, type BoardLayout, type BoardPage, type BoardState, type Stroke } from '../../shared/signaling/courseware.ts';
import type { Courseware } from '../../shared/schemas/courseware.ts';
import { LiveError } from '../live/errors.ts';
import type { LiveRoom, Participant } from '../live/LiveRoom.ts';
import type { RateWindow } from '../live/RateWindow.ts';
import { Board, type BoardEvent } from '../../shared/courseware/board.ts';
import type { BoardTimeline } from './BoardTimeline.ts';

/**
 * The board of one live room: checks who may do what (BOARD-*), applies the
 * change to the Board, tells every participant and appends it to the session's
 * timeline. Lives as long as its room (CoursewareLive keeps it beside the room).
 */
export class RoomBoard {
  readonly board = new Board();
  readonly #room: LiveRoom;
  readonly #timeline: BoardTimeline;
  readonly #writeRate: RateWindow;

  constructor(room: LiveRoom, timeline: BoardTimeline, history: readonly BoardEvent[], writeRate: RateWindow) {
    this.#room = room;
    this.#timeline = timeline;
    this.#writeRate = writeRate;
    for (const e of history) this.board.apply(e);
  }

  get timeline(): BoardTimeline {
    return this.#timeline;
  }

  /** BOARD-HOST: showing, turning pages, clearing, the layout and stage writing are the host's. */
  requireHost(p: Participant): void {
    if (!this.#room.permissions(p).moderate) throw new LiveError('forbidden', 'Only the teacher hosting the session controls the board');
  }

  /** BOARD-WRITE: the host writes; the classroom on stage too while the host allows it. */
  mayWrite(p: Participant): boolean {
    if (this.#room.permissions(p).moderate) return true;
    return this.board.stageWriting && p.role === 'classroom' && this.#room.stageAccountId === p.actor.accountId;
  }

  #requireWriter(p: Participant): void {
    if (!this.mayWrite(p)) throw new LiveError('forbidden', 'Only the teacher, and the classroom on stage when the teacher allows it, write on the board');
  }

  /** BOARD-RATE: counts a write that changes the board; past the participant's limit in the window it is refused. */
  #takeWriteTurn(p: Participant, request: string): void {
    if (this.#writeRate.take(`${this.#room.sessionId}/${p.actor.accountId}`)) return;
    const { max, windowMs } = this.#writeRate.limit;
    throw new LiveError('rate_limited', `${request}: at most ${max} strokes, erasures and undos in ${windowMs / 1000} s; wait a moment`);
  }

  #commit(e: BoardEvent): void {
    this.board.apply(e);
    this.#timeline.append(e);
  }

  state(): BoardState {
    return this.board.state();
  }

  show(by: Participant, shown: Courseware | null, page: number): BoardState {
    this.requireHost(by);
    if (shown && shown.status !== 'ready') throw new LiveError('conflict', `The courseware is not ready to show (${shown.status})`);
    const pageCount = shown ? shown.pageCount ?? shown.pages.length : BLANK_BOARD_PAGES;
    if (page > pageCount) throw new LiveError('validation', `page: the document has ${pageCount} pages`);
    this.#commit({ kind: 'page', accountId: by.actor.accountId, payload: { coursewareId: shown?.id ?? null, fileName: shown?.fileName ?? null, pageCount, page } });
    const state = this.state();
    this.#room.broadcast('boardShown', state);
    return state;
  }

  turn(by: Participant, page: number): BoardPage {
    this.requireHost(by);
    const b = this.board;
    if (page > b.pageCount) throw new LiveError('validation', `page: there are ${b.pageCount} pages`);
    if (page !== b.page) {
      this.#commit({ kind: 'page', accountId: by.actor.accountId, payload: { coursewareId: b.coursewareId, fileName: b.fileName, pageCount: b.pageCount, page } });
      this.#room.broadcast('boardShown', this.state());
    }
    return b.current;
  }

  draw(by: Participant, drawn: Stroke): void {
    this.#requireWriter(by);
    // Whatever a client sent, what is kept and sent on is rounded (CW-STROKE-PRECISION).
    const stroke: Stroke = { ...drawn, points: drawn.points.map(([x, y, p]) => [roundFraction(x), roundFraction(y), roundFraction(p)]) };
    const page = this.board.current;
    if (this.board.has(stroke.id)) throw new LiveError('conflict', `stroke ${stroke.id} is on the page already`);
    if (this.board.strokesOf().length >= MAX_STROKES_PER_PAGE) throw new LiveError('conflict', `The page holds ${MAX_STROKES_PER_PAGE} strokes: clear it first`);
    this.#takeWriteTurn(by, 'drawStroke');
    this.#commit({ kind: 'stroke', accountId: by.actor.accountId, payload: { page, stroke } });
    this.#room.broadcast('strokesAdded', { page, strokes: [stroke] });
  }

  erase(by: Participant, strokeIds: readonly string[]): void {
    this.#requireWriter(by);
    const wanted = new Set(strokeIds);
    const strokes = this.board.strokesOf().filter((s) => wanted.has(s.id));
    if (strokes.length === 0) return;
    this.#takeWriteTurn(by, 'eraseStrokes');
    const page = this.board.current;
    this.#commit({ kind: 'erase', accountId: by.actor.accountId, payload: { page, strokes } });
    this.#room.broadcast('strokesRemoved', { page, strokeIds: strokes.map((s) => s.id) });
  }

  clear(by: Participant): void {
    this.requireHost(by);
    const strokes = this.board.strokesOf();
    if (strokes.length === 0) return;
    const page = this.board.current;
    this.#commit({ kind: 'clear', accountId: by.actor.accountId, payload: { page, strokes } });
    this.#room.broadcast('strokesRemoved', { page, strokeIds: strokes.map((s) => s.id) });
  }

  /** BOARD-UNDO: takes back this participant's own last stroke or erasure on the current page. */
  undo(by: Participant): boolean {
    this.#requireWriter(by);
    const plan = this.board.planUndo(by.actor.accountId);
    if (!plan) return false;
    this.#takeWriteTurn(by, 'undoStroke');
    const page = this.board.current;
    this.#commit({ kind: 'undo', accountId: by.actor.accountId, payload: { page, ...plan } });
    if (plan.removed.length) this.#room.broadcast('strokesRemoved', { page, strokeIds: plan.removed });
    if (plan.restored.length) this.#room.broadcast('strokesAdded', { page, strokes: plan.restored });
    return true;
  }

  setLayout(by: Participant, layout: BoardLayout): void {
    this.requireHost(by);
    this.#commit({ kind: 'layout', accountId: by.actor.accountId, payload: { layout } });
    this.#room.broadcast('layoutChanged', { layout });
  }

  setStageWriting(by: Participant, allowed: boolean): void {
    this.requireHost(by);
    if (this.board.stageWriting === allowed) return;
    this.#commit({ kind: 'stage_writing', accountId: by.actor.accountId, payload: { allowed } });
    this.#room.broadcast('stageWritingChanged', { allowed });
  }
}
