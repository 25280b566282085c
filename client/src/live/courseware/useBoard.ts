import { useCallback, useEffect, useState } from 'react';
import type { BoardPage, BoardState, Stroke } from '../../../../shared/signaling/courseware.ts';
import type { LiveClient, LiveState } from '../../media/LiveClient.ts';

const samePage = (a: BoardPage, b: BoardState) => a.coursewareId === b.coursewareId && a.page === b.page;

/**
 * The room's board as this client knows it: asked for (`boardState`) every time the
 * client is live again — the first join, a late join, a rejoin after a lost
 * connection — then kept up to date by the board's notifications.
 */
export function useBoard(client: LiveClient, state: LiveState): { board: BoardState | null; addLocal(stroke: Stroke): void; removeLocal(ids: readonly string[]): void } {
  const [board, setBoard] = useState<BoardState | null>(null);
  const s = client.signaling;

  useEffect(() => {
    const offs = [
      s.on('boardShown', (b) => setBoard(b)),
      s.on('strokesAdded', ({ page, strokes }) =>
        setBoard((b) => {
          if (!b || !samePage(page, b)) return b;
          const have = new Set(b.strokes.map((x) => x.id));
          return { ...b, strokes: [...b.strokes, ...strokes.filter((x) => !have.has(x.id))] };
        }),
      ),
      s.on('strokesRemoved', ({ page, strokeIds }) =>
        setBoard((b) => {
          if (!b || !samePage(page, b)) return b;
          const gone = new Set(strokeIds);
          return { ...b, strokes: b.strokes.filter((x) => !gone.has(x.id)) };
        }),
      ),
      s.on('layoutChanged', ({ layout }) => setBoard((b) => (b ? { ...b, layout } : b))),
      s.on('stageWritingChanged', ({ allowed }) => setBoard((b) => (b ? { ...b, stageWriting: allowed } : b))),
    ];
    return () => offs.forEach((off) => off());
  }, [s]);

  useEffect(() => {
    if (state !== 'live') return;
    let current = true;
    s.request('boardState', {})
      .then((b) => current && setBoard(b))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [s, state]);

  const addLocal = useCallback((stroke: Stroke) => setBoard((b) => (b && !b.strokes.some((x) => x.id === stroke.id) ? { ...b, strokes: [...b.strokes, stroke] } : b)), []);
  const removeLocal = useCallback((ids: readonly string[]) => setBoard((b) => (b ? { ...b, strokes: b.strokes.filter((x) => !ids.includes(x.id)) } : b)), []);
  return { board, addLocal, removeLocal };
}

/** The URL of a courseware page image (the browser keeps it: the server marks it immutable). */
export const pageUrl = (coursewareId: string, page: number) => `/api/courseware/${coursewareId}/pages/${page}`;
