import type { BoardEvent, BoardSnapshot } from '../schemas/courseware.ts';
import { BLANK_BOARD_PAGES, type BoardLayout, type BoardPage, type BoardState, type Stroke } from '../signaling/courseware.ts';

export type { BoardEvent };

type UndoEntry = { added: string } | { erased: Stroke[] };

const pageKey = (p: BoardPage) => `${p.coursewareId ?? 'blank'}#${p.page}`;

/**
 * The whiteboard of one live session as a plain state machine: what is shown, the
 * strokes of every page (they stay with their page), the layout and whether the
 * classroom on stage may write. Every change is a BoardEvent applied by `apply`,
 * so replaying a session's timeline rebuilds exactly this state (BOARD-TIMELINE).
 * The one fold of board events: the server's room (server/courseware/RoomBoard.ts)
 * and the recording's playback page (CW-REPLAY-SYNC) both apply events with it.
 * Deciding whether a change is allowed is the caller's.
 */
export class Board {
  active = false;
  coursewareId: string | null = null;
  fileName: string | null = null;
  pageCount = BLANK_BOARD_PAGES;
  page = 1;
  layout: BoardLayout = 'courseware';
  stageWriting = false;
  readonly #strokes = new Map<string, Map<string, Stroke>>();
  /** Per account and page: what its undo takes back, newest last. */
  readonly #undo = new Map<string, UndoEntry[]>();

  get current(): BoardPage {
    return { coursewareId: this.coursewareId, page: this.page };
  }

  strokesOf(page: BoardPage = this.current): Stroke[] {
    return [...(this.#strokes.get(pageKey(page))?.values() ?? [])];
  }

  has(strokeId: string, page: BoardPage = this.current): boolean {
    return this.#strokes.get(pageKey(page))?.has(strokeId) ?? false;
  }

  /** A board that continues from a snapshot (undo history is not carried: see BoardSnapshot). */
  static from(snapshot: BoardSnapshot): Board {
    const b = new Board();
    const { pages, ...shown } = snapshot;
    Object.assign(b, shown);
    for (const p of pages) {
      const strokes = b.#page(p);
      for (const s of p.strokes) strokes.set(s.id, s);
    }
    return b;
  }

  snapshot(): BoardSnapshot {
    const pages: BoardSnapshot['pages'] = [];
    for (const [key, strokes] of this.#strokes) {
      if (strokes.size === 0) continue;
      const [coursewareId, page] = key.split('#') as [string, string];
      pages.push({ coursewareId: coursewareId === 'blank' ? null : coursewareId, page: Number(page), strokes: [...strokes.values()] });
    }
    return { active: this.active, coursewareId: this.coursewareId, fileName: this.fileName, pageCount: this.pageCount, page: this.page, layout: this.layout, stageWriting: this.stageWriting, pages };
  }

  state(): BoardState {
    return { active: this.active, coursewareId: this.coursewareId, fileName: this.fileName, pageCount: this.pageCount, page: this.page, strokes: this.strokesOf(), layout: this.layout, stageWriting: this.stageWriting };
  }

  #page(p: BoardPage): Map<string, Stroke> {
    const key = pageKey(p);
    let m = this.#strokes.get(key);
    if (!m) this.#strokes.set(key, (m = new Map()));
    return m;
  }

  #stack(accountId: string | null, p: BoardPage): UndoEntry[] {
    const key = `${accountId ?? '-'}|${pageKey(p)}`;
    let s = this.#undo.get(key);
    if (!s) this.#undo.set(key, (s = []));
    return s;
  }

  /** What this account's undo would do on the current page now; null if nothing (taken-back entries with no effect left are skipped). */
  planUndo(accountId: string): { removed: string[]; restored: Stroke[] } | null {
    const stack = this.#stack(accountId, this.current);
    const strokes = this.#page(this.current);
    for (let i = stack.length - 1; i >= 0; i--) {
      const e = stack[i]!;
      const removed = 'added' in e && strokes.has(e.added) ? [e.added] : [];
      const restored = 'erased' in e ? e.erased.filter((s) => !strokes.has(s.id)) : [];
      if (removed.length || restored.length) return { removed, restored };
    }
    return null;
  }

  apply(e: BoardEvent): void {
    switch (e.kind) {
      case 'page':
        Object.assign(this, { active: true, coursewareId: e.payload.coursewareId, fileName: e.payload.fileName, pageCount: e.payload.pageCount, page: e.payload.page });
        return;
      case 'stroke':
        this.#page(e.payload.page).set(e.payload.stroke.id, e.payload.stroke);
        this.#stack(e.accountId, e.payload.page).push({ added: e.payload.stroke.id });
        return;
      case 'erase':
      case 'clear': {
        const strokes = this.#page(e.payload.page);
        for (const s of e.payload.strokes) strokes.delete(s.id);
        this.#stack(e.accountId, e.payload.page).push({ erased: e.payload.strokes });
        return;
      }
      case 'undo': {
        const strokes = this.#page(e.payload.page);
        const stack = this.#stack(e.accountId, e.payload.page);
        // Pop what the planned undo went through (entries with nothing left to take back, then the one it took back).
        const undone = new Set(e.payload.removed);
        const back = new Set(e.payload.restored.map((s) => s.id));
        while (stack.length) {
          const top = stack.pop()!;
          if (('added' in top && undone.has(top.added)) || ('erased' in top && top.erased.some((s) => back.has(s.id)))) break;
        }
        for (const id of e.payload.removed) strokes.delete(id);
        for (const s of e.payload.restored) strokes.set(s.id, s);
        return;
      }
      case 'layout':
        this.layout = e.payload.layout;
        return;
      case 'stage_writing':
        this.stageWriting = e.payload.allowed;
        return;
    }
  }
}
