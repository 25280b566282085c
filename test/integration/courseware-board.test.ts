/**
 * The live board over real sockets and a real mediasoup worker (a join needs a media
 * room; no media flows): the host shows courseware and turns pages, strokes reach every
 * classroom, undo and erase, the classroom on stage writes when allowed, a late joiner
 * lands on the current page, and the timeline replays into the same board.
 * Rules BOARD-* in server/courseware/README.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { api } from '../../shared/api/index.ts';
import type { Stroke } from '../../shared/signaling/courseware.ts';
import { Board, type BoardEvent } from '../../shared/courseware/board.ts';
import { coursewareOf } from '../../server/courseware/index.ts';
import { slidesPdf, upload } from '../support/courseware.ts';
import { createLiveSession, liveService, liveSocket, nextNotification, tempDataDir, type LiveSocket, signalingRefusal } from '../support/live.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
const sockets: LiveSocket[] = [];
let sessionId: string;
let coursewareId: string;
let wang: LiveSocket;
let ganpu: LiveSocket;
let ganpuPeerId: string;

async function open(username: string): Promise<LiveSocket> {
  const s = await liveSocket(platform, username);
  sockets.push(s);
  return s;
}

const refusal = async (p: Promise<unknown>): Promise<string> => (await signalingRefusal(p)).code;

let n = 0;
const stroke = (tool: Stroke['tool'] = 'pen'): Stroke => ({
  id: `s${++n}`,
  tool,
  color: '#d32f2f',
  size: 0.004,
  points: tool === 'text' ? [[0.1, 0.1, 0.5]] : [[0.1, 0.1, 0.5], [0.2, 0.15, 0.5], [0.3, 0.2, 0.5]],
  ...(tool === 'text' ? { text: '重点' } : {}),
});

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { ...data.env } });
  sessionId = await createLiveSession(platform);
  wang = await open('teacher.wang');
  const up = await wang.user.call(api.uploadCourseware, { body: { sessionId }, file: upload(slidesPdf(['One', 'Two', 'Three']), '课件.pdf', 'application/pdf') });
  if (!up.ok) throw new Error(up.error.message);
  coursewareId = up.data.id;
  await waitFor('the conversion', () => wang.user.call(api.getCourseware, { params: { coursewareId } }), (r) => r.ok && r.data.status === 'ready', 120_000, 200);
  await wang.signaling.request('join', { sessionId });
  ganpu = await open('class.ganpu');
  ganpuPeerId = (await ganpu.signaling.request('join', { sessionId })).peerId;
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

describe('the live board', () => {
  it('BOARD-HOST: a classroom may not show courseware or turn pages; the host shows it and every classroom gets the page', async () => {
    expect(await refusal(ganpu.signaling.request('showCourseware', { coursewareId, page: 1 }))).toBe('forbidden');
    const shown = nextNotification(ganpu.signaling, 'boardShown', (b) => b.coursewareId === coursewareId);
    const state = await wang.signaling.request('showCourseware', { coursewareId, page: 1 });
    expect(state).toMatchObject({ coursewareId, fileName: '课件.pdf', pageCount: 3, page: 1, strokes: [] });
    expect(await shown).toMatchObject({ coursewareId, page: 1 });
    const turned = nextNotification(ganpu.signaling, 'boardShown', (b) => b.page === 2);
    expect(await wang.signaling.request('turnPage', { page: 2 })).toEqual({ coursewareId, page: 2 });
    expect((await turned).page).toBe(2);
    expect(await refusal(ganpu.signaling.request('turnPage', { page: 3 }))).toBe('forbidden');
    expect(await refusal(wang.signaling.request('turnPage', { page: 4 }))).toBe('validation');
  });

  it('BOARD-WRITE: the host\'s strokes reach the classrooms; a classroom writes only on stage and when the host allows it', async () => {
    const pen = stroke();
    const added = nextNotification(ganpu.signaling, 'strokesAdded', (a) => a.strokes.some((s) => s.id === pen.id));
    await wang.signaling.request('drawStroke', { stroke: pen });
    expect(await added).toEqual({ page: { coursewareId, page: 2 }, strokes: [pen] });
    await wang.signaling.request('drawStroke', { stroke: stroke('text') });

    const mine = stroke('highlighter');
    expect(await refusal(ganpu.signaling.request('drawStroke', { stroke: mine }))).toBe('forbidden');
    await wang.signaling.request('setStage', { peerId: ganpuPeerId });
    // On stage, but not allowed yet.
    expect(await refusal(ganpu.signaling.request('drawStroke', { stroke: mine }))).toBe('forbidden');
    const allowed = nextNotification(ganpu.signaling, 'stageWritingChanged');
    await wang.signaling.request('setStageWriting', { allowed: true });
    expect(await allowed).toEqual({ allowed: true });
    await ganpu.signaling.request('drawStroke', { stroke: mine });
    expect((await wang.signaling.request('boardState', {})).strokes.map((s) => s.id)).toEqual([pen.id, `s${n - 1}`, mine.id]);
  });

  it('BOARD-UNDO: undo takes back the participant\'s own last stroke; an undone erasure brings the strokes back', async () => {
    const before = (await wang.signaling.request('boardState', {})).strokes.map((s) => s.id);
    const removed = nextNotification(ganpu.signaling, 'strokesRemoved');
    expect(await wang.signaling.request('undoStroke', {})).toEqual({ undone: true });
    // The host's last stroke (the text), not the classroom's.
    expect((await removed).strokeIds).toEqual([before[1]]);
    const erased = nextNotification(ganpu.signaling, 'strokesRemoved', (r) => r.strokeIds.includes(before[0]!));
    await wang.signaling.request('eraseStrokes', { strokeIds: [before[0]!, before[2]!] });
    await erased;
    expect((await wang.signaling.request('boardState', {})).strokes).toEqual([]);
    const back = nextNotification(ganpu.signaling, 'strokesAdded');
    expect(await wang.signaling.request('undoStroke', {})).toEqual({ undone: true });
    expect((await back).strokes.map((s) => s.id).sort()).toEqual([before[0], before[2]].sort());
  });

  it('BOARD-PAGE: strokes stay with their page; a late joiner lands on the current page with its strokes', async () => {
    const onTwo = (await wang.signaling.request('boardState', {})).strokes;
    expect(onTwo.length).toBe(2);
    await wang.signaling.request('turnPage', { page: 3 });
    expect((await wang.signaling.request('boardState', {})).strokes).toEqual([]);
    await wang.signaling.request('turnPage', { page: 2 });
    expect((await wang.signaling.request('boardState', {})).strokes).toEqual(onTwo);
    const liuli = await open('class.liuli');
    await liuli.signaling.request('join', { sessionId });
    expect(await liuli.signaling.request('boardState', {})).toMatchObject({ coursewareId, page: 2, strokes: onTwo, stageWriting: true });
  });

  it('BOARD-LAYOUT: the host chooses the classrooms\' layout; showing the blank board', async () => {
    const changed = nextNotification(ganpu.signaling, 'layoutChanged');
    await wang.signaling.request('setLayout', { layout: 'side' });
    expect(await changed).toEqual({ layout: 'side' });
    expect(await refusal(ganpu.signaling.request('setLayout', { layout: 'teacher' }))).toBe('forbidden');
    const blank = await wang.signaling.request('showCourseware', { coursewareId: null });
    expect(blank).toMatchObject({ coursewareId: null, page: 1, strokes: [], layout: 'side' });
  });

  it('BOARD-TIMELINE: every change is kept in order; replaying the timeline rebuilds the board as it is', async () => {
    const room = liveService(platform).rooms.get(sessionId)!;
    const board = await coursewareOf(liveService(platform)).boardOf(room);
    await board.timeline.flushed();
    const res = await wang.user.call(api.boardTimeline, { params: { sessionId } });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.data.map((e) => e.kind)).toEqual(['page', 'page', 'stroke', 'stroke', 'stage_writing', 'stroke', 'undo', 'erase', 'undo', 'page', 'page', 'layout', 'page']);
    expect(res.data.map((e) => e.seq)).toEqual(res.data.map((_, i) => i + 1));
    const replayed = new Board();
    for (const e of res.data) replayed.apply({ kind: e.kind, accountId: e.accountId, payload: e.payload } as BoardEvent);
    expect(replayed.state()).toEqual(await wang.signaling.request('boardState', {}));
    // Page 2's strokes are there too, under their page.
    expect(replayed.strokesOf({ coursewareId, page: 2 }).length).toBe(2);
    const classroom = await platform.signIn('class.ganpu');
    expect((await classroom.call(api.boardTimeline, { params: { sessionId } })).status).toBe(404);
  });
});
