/**
 * A recording's board for its playback page (GET /api/live/recordings/:id/timeline): the
 * board as it stood when the recording started mid-lesson, the page turns and strokes from
 * the recording's start to its end at their offsets into the video, and the recording's own
 * audience. The timeline rows are written here at known instants, as the room would have
 * appended them. Rules CW-REPLAY-* in server/courseware/README.md.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { Board, type BoardEvent } from '../../shared/courseware/board.ts';
import type { Stroke } from '../../shared/signaling/courseware.ts';
import { BoardReplay } from '../../client/src/live/replay/BoardReplay.ts';
import { liveBoardEvents, liveRecordings } from '../../server/db/schema/index.ts';
import { createLiveSession, liveService, tempDataDir } from '../support/live.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let platform: TestPlatform;
const data = tempDataDir();
let wangAccountId: string;
let sessionId: string;
let recordingId: string;
const coursewareId = randomUUID();
/** The recording runs from T0 to T0 + 20 s; the lesson's board started a minute before. */
const T0 = Date.now() - 10 * 60_000;

const stroke = (id: string): Stroke => ({ id, tool: 'pen', color: '#d32f2f', size: 0.004, points: [[0.1, 0.1, 0.5], [0.3, 0.2, 0.5]] });
const on = (page: number) => ({ coursewareId, page });
const turn = (page: number) => ({ kind: 'page' as const, payload: { coursewareId, fileName: '分数的认识.pdf', pageCount: 5, page } });

/** [seconds from T0, event] in the order the room applied them. */
const lesson: [number, Omit<BoardEvent, 'accountId'>][] = [
  [-60, turn(1)],
  [-50, { kind: 'stroke', payload: { page: on(1), stroke: stroke('s1') } }],
  [-40, turn(2)],
  [-35, { kind: 'stroke', payload: { page: on(2), stroke: stroke('s2') } }],
  [-30, { kind: 'layout', payload: { layout: 'side' } }],
  // The recording starts (T0).
  [5, turn(3)],
  [7, { kind: 'stroke', payload: { page: on(3), stroke: stroke('s3') } }],
  [9, { kind: 'stroke', payload: { page: on(3), stroke: stroke('s4') } }],
  [11, { kind: 'undo', payload: { page: on(3), removed: ['s4'], restored: [] } }],
  [13, turn(1)],
  [15, { kind: 'clear', payload: { page: on(1), strokes: [stroke('s1')] } }],
  // The recording ends (T0 + 20 s); the lesson goes on.
  [25, turn(4)],
];

async function recording(values: { status?: string; endedAt?: Date | null; file?: boolean; sessionId?: string }): Promise<string> {
  const session = values.sessionId ?? sessionId;
  const key = `${session}/${randomUUID()}.webm`;
  if (values.file ?? true) {
    const file = path.join(liveService(platform).recordings.root, key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, Buffer.alloc(4096, 1));
  }
  const [row] = await platform.database.db
    .insert(liveRecordings)
    .values({ sessionId: session, startedBy: wangAccountId, startedAt: new Date(T0), endedAt: values.endedAt === undefined ? new Date(T0 + 20_000) : values.endedAt, storageKey: key, contentType: 'video/webm', status: values.status ?? 'ready', sizeBytes: 4096 })
    .returning();
  return row!.id;
}

beforeAll(async () => {
  // No media workers: the rows the room and the recorder would write are written here.
  platform = await startTestPlatform({ env: { ...data.env } });
  await liveService(platform).whenReady();
  wangAccountId = (await platform.signIn('teacher.wang')).me.account.id;
  sessionId = await createLiveSession(platform);
  await platform.database.db.insert(liveBoardEvents).values(lesson.map(([s, e], i) => ({ sessionId, seq: i + 1, at: new Date(T0 + s * 1000), kind: e.kind, accountId: wangAccountId, payload: e.payload })));
  recordingId = await recording({});
});

afterAll(async () => {
  await platform?.close();
  data.cleanup();
});

async function timelineAs(username: string, id = recordingId) {
  const user = await platform.signIn(username);
  return user.call(api.recordingTimeline, { params: { recordingId: id } });
}

async function timeline(id = recordingId) {
  const res = await timelineAs('teacher.wang', id);
  if (!res.ok) throw new Error(`${res.status} ${res.error.message}`);
  return res.data;
}

describe('a recording\'s board for playback', () => {
  it('CW-REPLAY-TIME: the changes from the recording\'s start to its end, each at its offset into the video', async () => {
    const t = await timeline();
    expect(t).toMatchObject({ recordingId, session: { id: sessionId, title: '分数的初步认识' }, startedAt: new Date(T0).toISOString(), endedAt: new Date(T0 + 20_000).toISOString(), durationMs: 20_000 });
    expect(t.events.map((e) => [e.offsetMs, e.kind])).toEqual([[5000, 'page'], [7000, 'stroke'], [9000, 'stroke'], [11000, 'undo'], [13000, 'page'], [15000, 'clear']]);
    expect(t.events[0]).toEqual({ offsetMs: 5000, kind: 'page', accountId: wangAccountId, payload: { coursewareId, fileName: '分数的认识.pdf', pageCount: 5, page: 3 } });
    expect(t.events[1]).toMatchObject({ kind: 'stroke', payload: { page: on(3), stroke: stroke('s3') } });
  });

  it('CW-REPLAY-TIME: a recording started mid-lesson starts from the board as it stood then (page, layout, every page\'s strokes)', async () => {
    const { start } = await timeline();
    expect(start).toMatchObject({ active: true, coursewareId, fileName: '分数的认识.pdf', pageCount: 5, page: 2, layout: 'side', stageWriting: false });
    expect(start.pages.map((p) => [p.page, p.strokes.map((s) => s.id)]).sort()).toEqual([[1, ['s1']], [2, ['s2']]]);
  });

  it('CW-REPLAY-SYNC: the board at a moment of the video is the session\'s own board at that instant; seeking back shows the earlier board', async () => {
    const t = await timeline();
    const whole = await (await platform.signIn('teacher.wang')).call(api.boardTimeline, { params: { sessionId } });
    if (!whole.ok) throw new Error(whole.error.message);
    // The session's board folded from its very first change up to an instant.
    const sessionAt = (ms: number) => {
      const b = new Board();
      for (const e of whole.data) if (Date.parse(e.at) <= T0 + ms) b.apply({ kind: e.kind, accountId: e.accountId, payload: e.payload } as BoardEvent);
      return b.state();
    };
    const replay = new BoardReplay(t.start, t.events);
    for (const ms of [0, 5000, 8000, 9500, 12_000, 14_000, 20_000, 3000, 10_000, 0]) expect(replay.at(ms), `${ms} ms`).toEqual(sessionAt(ms));
    expect(replay.at(8000)).toMatchObject({ page: 3, strokes: [stroke('s3')] });
    expect(replay.at(14_000)).toMatchObject({ page: 1, strokes: [stroke('s1')] });
    expect(replay.at(1000)).toMatchObject({ page: 2, strokes: [stroke('s2')] });
  });

  it('CW-REPLAY-TIME: a lesson whose board was never shown replays with an inactive board and no changes', async () => {
    const other = await createLiveSession(platform);
    const t = await timeline(await recording({ sessionId: other }));
    expect(t.start).toMatchObject({ active: false, pages: [] });
    expect(t.events).toEqual([]);
  });

  it('CW-REPLAY-ACCESS: the session\'s teacher, the community\'s coordinator and the county\'s auditor read it', async () => {
    for (const who of ['teacher.wang', 'coord.shiyan', 'auditor.haiyan']) {
      const res = await timelineAs(who);
      expect(res.ok && res.data.events.length, who).toBe(6);
    }
  });

  it('CW-REPLAY-ACCESS: classrooms, other teachers, other communities\' coordinators and admins get 404; nobody signed in 401', async () => {
    for (const who of ['class.ganpu', 'teacher.li', 'coord.xiangyang', 'admin']) {
      const res = await timelineAs(who);
      expect(res.status, who).toBe(404);
    }
    expect((await platform.anonymous()(api.recordingTimeline, { params: { recordingId } })).status).toBe(401);
  });

  it('CW-REPLAY-ACCESS: a recording still being written, one whose file is gone, an unknown id and a malformed one (it names nothing): 404', async () => {
    const writing = await recording({ status: 'recording', endedAt: null });
    const gone = await recording({ file: false });
    for (const id of [writing, gone, randomUUID(), 'not-a-recording', '..%2F..%2Fetc']) expect((await timelineAs('teacher.wang', id)).status, id).toBe(404);
  });
});
