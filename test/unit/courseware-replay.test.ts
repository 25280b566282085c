/** The board of a recording at a moment of its video (rules CW-REPLAY-* in server/courseware/README.md). */
import { describe, expect, it } from 'vitest';
import { Board, type BoardEvent } from '../../shared/courseware/board.ts';
import { ReplayEvent } from '../../shared/schemas/courseware.ts';
import type { Stroke } from '../../shared/signaling/courseware.ts';
import { BoardReplay } from '../../client/src/live/replay/BoardReplay.ts';

const cw = '11111111-1111-4111-8111-111111111111';
const teacher = '22222222-2222-4222-8222-222222222222';
const stroke = (id: string): Stroke => ({ id, tool: 'pen', color: '#000000', size: 0.004, points: [[0.5, 0.5, 0.5]] });
const on = (page: number) => ({ coursewareId: cw, page });
const turn = (page: number): BoardEvent => ({ kind: 'page', accountId: null, payload: { coursewareId: cw, fileName: 'a.pdf', pageCount: 9, page } });
const draw = (page: number, id: string): BoardEvent => ({ kind: 'stroke', accountId: teacher, payload: { page: on(page), stroke: stroke(id) } });
const at = (offsetMs: number, e: BoardEvent): ReplayEvent => ({ offsetMs, ...e });
const ids = (s: { strokes: Stroke[] }) => s.strokes.map((x) => x.id);

describe('the board of a recording', () => {
  it('CW-REPLAY-TIME: a snapshot carries every page\'s strokes, so a board continued from it is the board it was taken of', () => {
    const b = new Board();
    for (const e of [turn(1), draw(1, 'a'), turn(2), draw(2, 'b'), draw(2, 'c'), { kind: 'erase', accountId: teacher, payload: { page: on(2), strokes: [stroke('b')] } } satisfies BoardEvent, turn(3)]) b.apply(e);
    const copy = Board.from(b.snapshot());
    expect(copy.state()).toEqual(b.state());
    for (const page of [1, 2, 3]) expect(copy.strokesOf(on(page))).toEqual(b.strokesOf(on(page)));
    expect(b.snapshot().pages.map((p) => [p.page, p.strokes.map((s) => s.id)])).toEqual([[1, ['a']], [2, ['c']]]);
    // Turning back after the snapshot brings the earlier page's strokes back.
    copy.apply(turn(1));
    expect(ids(copy.state())).toEqual(['a']);
  });

  it('CW-REPLAY-SYNC: playing forward, the board changes exactly at each change\'s offset', () => {
    const start = new Board();
    start.apply(turn(1));
    const replay = new BoardReplay(start.snapshot(), [at(1000, draw(1, 'x')), at(2000, turn(2)), at(3000, draw(2, 'y'))]);
    expect([0, 999, 1000, 1999, 2000, 2999, 3000, 60_000].map((ms) => `${replay.at(ms).page}:${ids(replay.at(ms)).join(',')}`)).toEqual(['1:', '1:', '1:x', '1:x', '2:', '2:', '2:y', '2:y']);
  });

  it('CW-REPLAY-SYNC: seeking back shows the earlier page with its strokes; seeking forward again the later one', () => {
    const start = new Board();
    start.apply(turn(4));
    start.apply(draw(4, 'before'));
    const replay = new BoardReplay(start.snapshot(), [at(500, turn(5)), at(800, draw(5, 'p5')), at(1200, turn(4)), at(1500, { kind: 'clear', accountId: null, payload: { page: on(4), strokes: [stroke('before')] } })]);
    expect(replay.at(2000)).toMatchObject({ page: 4, strokes: [] });
    expect(replay.at(900)).toMatchObject({ page: 5, strokes: [stroke('p5')] });
    expect(replay.at(100)).toMatchObject({ page: 4, strokes: [stroke('before')] });
    expect(replay.at(1300)).toMatchObject({ page: 4, strokes: [stroke('before')] });
    expect(replay.at(1600)).toMatchObject({ page: 4, strokes: [] });
  });

  it('CW-REPLAY-SYNC: the same board object while nothing changes (the page does not redraw every frame); changes at one offset keep their order', () => {
    const replay = new BoardReplay(new Board().snapshot(), [at(0, turn(1)), at(700, draw(1, 'a')), at(700, { kind: 'undo', accountId: teacher, payload: { page: on(1), removed: ['a'], restored: [] } })]);
    const first = replay.at(100);
    expect(replay.at(600)).toBe(first);
    expect(replay.at(700)).toMatchObject({ page: 1, strokes: [] });
    expect(new BoardReplay(new Board().snapshot(), []).at(5000)).toMatchObject({ active: false });
  });

  it('CW-REPLAY-TIME: a replay event is a board event with its offset; a stroke with no points or a negative offset is refused', () => {
    expect(ReplayEvent.safeParse(at(10, draw(1, 'a'))).success).toBe(true);
    expect(ReplayEvent.safeParse({ ...at(10, draw(1, 'a')), offsetMs: -1 }).success).toBe(false);
    expect(ReplayEvent.safeParse(at(10, { ...draw(1, 'a'), payload: { page: on(1), stroke: { ...stroke('a'), points: [] } } } as BoardEvent)).success).toBe(false);
  });
});
