/**
 * A live room made afresh mid-lesson (its media room closed under it, as when a rebuild
 * after a worker's death fails; a move to another node or a restart opens a new room the
 * same way) goes on with the lesson's quiz, chat switch, countdown and board, read back
 * from the records; and the per-participant limits on chat and board writes.
 * Rules T-TOOLS-RESTORE, T-TIMER-RESTORE, T-CHAT-RATE in server/live/tools/README.md;
 * BOARD-RESTORE, BOARD-RATE in server/courseware/README.md; LIVE-STAGE-RESTORE, LIVE-MUTE-RESTORE
 * in server/live/README.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { api } from '../../shared/api/index.ts';
import { coursewareOf } from '../../server/courseware/index.ts';
import type { Stroke } from '../../shared/signaling/courseware.ts';
import type { NotificationOf } from '../../shared/signaling/protocol.ts';
import { consumeAll, enterLesson } from '../support/cluster.ts';
import { slidesPdf, upload } from '../support/courseware.ts';
import { createLiveSession, liveService, liveSocket, nextNotification, signalingRefusal, tempDataDir, type LiveSocket } from '../support/live.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained } from '../support/sockets.ts';
import { waitFor } from '../support/waitFor.ts';

const CHAT_LIMIT = 3;
const STROKE_LIMIT = 12;

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
const sockets: LiveSocket[] = [];

async function open(username: string): Promise<LiveSocket> {
  const s = await liveSocket(platform, username);
  sockets.push(s);
  return s;
}

async function joined(username: string, sessionId: string): Promise<{ s: LiveSocket; peerId: string }> {
  const s = await open(username);
  const { peerId } = await s.signaling.request('join', { sessionId });
  return { s, peerId };
}

let n = 0;
const stroke = (): Stroke => ({ id: `r${++n}`, tool: 'pen', color: '#1565c0', size: 0.004, points: [[0.1, 0.1, 0.5], [0.3, 0.2, 0.5]] });

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({
    media: pool,
    // Windows far longer than the test: a refusal here is the limit's, never a window that ran out under load.
    env: { ...data.env, LIVE_CHAT_RATE_LIMIT: String(CHAT_LIMIT), LIVE_CHAT_RATE_WINDOW_SECONDS: '3600', BOARD_STROKE_RATE_LIMIT: String(STROKE_LIMIT), BOARD_STROKE_RATE_WINDOW_SECONDS: '3600' },
  });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

describe('a room made afresh mid-lesson', () => {
  let sessionId: string;
  let wang: LiveSocket;
  let ganpu: LiveSocket;
  let coursewareId: string;
  let revealedId: string;
  let openId: string;
  let countdown: NotificationOf<'timerChanged'>;
  let board: NotificationOf<'boardShown'>;

  beforeAll(async () => {
    sessionId = await createLiveSession(platform);
    wang = (await joined('teacher.wang', sessionId)).s;
    const up = await wang.user.call(api.uploadCourseware, { body: { sessionId }, file: upload(slidesPdf(['一', '二', '三']), '分数.pdf', 'application/pdf') });
    if (!up.ok) throw new Error(up.error.message);
    coursewareId = up.data.id;
    await waitFor('the conversion', () => wang.user.call(api.getCourseware, { params: { coursewareId } }), (r) => r.ok && r.data.status === 'ready', 120_000, 200);
    ganpu = (await joined('class.ganpu', sessionId)).s;

    // The lesson so far: a revealed question, an open one answered by 澉浦, chat on for classrooms, a countdown paused and continued, courseware on page 2 with strokes.
    const first = await wang.signaling.request('quizAsk', { kind: 'single', text: '1/2 和 2/4 哪个大？', options: ['1/2', '2/4', '一样大'], correct: [2], limitSeconds: 600 });
    revealedId = first.question.id;
    await ganpu.signaling.request('quizAnswer', { questionId: revealedId, choice: [2] });
    await wang.signaling.request('quizReveal', { questionId: revealedId });
    const second = await wang.signaling.request('quizAsk', { kind: 'true_false', text: '分母越大，分数越大', correct: [1], limitSeconds: 600 });
    openId = second.question.id;
    await ganpu.signaling.request('quizAnswer', { questionId: openId, choice: [1] });

    await wang.signaling.request('chatSettings', { classroomsMayChat: true });
    await ganpu.signaling.request('chatSend', { text: '老师，我们听得很清楚' });

    await wang.signaling.request('timerStart', { seconds: 600 });
    await wang.signaling.request('timerPause', {});
    countdown = await wang.signaling.request('timerStart', {});

    await wang.signaling.request('showCourseware', { coursewareId, page: 1 });
    await wang.signaling.request('drawStroke', { stroke: stroke() });
    await wang.signaling.request('turnPage', { page: 2 });
    await wang.signaling.request('setLayout', { layout: 'side' });
    await wang.signaling.request('drawStroke', { stroke: stroke() });
    // The last stroke is not waited for: the new room must read the timeline after the old room's writes are in.
    await wang.signaling.request('drawStroke', { stroke: stroke() });
    board = await wang.signaling.request('boardState', {});

    // The media room closes under the live room (a rebuild that failed): the next join makes a new room.
    const old = liveService(platform).rooms.get(sessionId)!;
    await old.media.close();
    await wang.signaling.request('join', { sessionId });
    expect(liveService(platform).rooms.get(sessionId)).not.toBe(old);
    await ganpu.signaling.request('join', { sessionId });
  }, 180_000);

  it('T-TOOLS-RESTORE: the questions come back with their answers and reveal; the rules hold across the rebuild', async () => {
    const { questions } = await wang.signaling.request('quizState', {});
    expect(questions.map((q) => q.id)).toEqual([revealedId, openId]);
    expect(questions[0]).toMatchObject({ revealedAt: expect.any(String), correct: [2], tally: [0, 0, 1] });
    expect(questions[1]).toMatchObject({ revealedAt: null, correct: [1], tally: [0, 1] });
    // T-QUIZ-ONE-OPEN: the open question is still open; T-QUIZ-ONCE: an answer given before the rebuild stays given.
    expect((await signalingRefusal(wang.signaling.request('quizAsk', { kind: 'true_false', text: '1/3 > 1/4', correct: [0], limitSeconds: 30 }))).code).toBe('conflict');
    expect(await signalingRefusal(ganpu.signaling.request('quizAnswer', { questionId: openId, choice: [0] }))).toMatchObject({ code: 'conflict', message: 'This classroom has answered this question already' });
  });

  it('T-TOOLS-RESTORE: a classroom joining only after the rebuild sees the quiz, answers the open question, and may chat', async () => {
    const liuli = (await joined('class.liuli', sessionId)).s;
    const { questions } = await liuli.signaling.request('quizState', {});
    expect(questions[0]).toMatchObject({ id: revealedId, correct: [2], tally: [0, 0, 1] });
    // Before the reveal a classroom sees neither the key nor the others' answers.
    expect(questions[1]).toMatchObject({ id: openId, correct: null, answers: [] });
    expect((await signalingRefusal(liuli.signaling.request('quizAnswer', { questionId: revealedId, choice: [0] }))).code).toBe('conflict');
    const arrives = nextNotification(wang.signaling, 'quizAnswered');
    await liuli.signaling.request('quizAnswer', { questionId: openId, choice: [0] });
    expect((await arrives).answer).toMatchObject({ questionId: openId, choice: [0], correct: false });

    const history = await liuli.signaling.request('chatHistory', {});
    expect(history.settings).toEqual({ classroomsMayChat: true });
    expect(history.messages.map((m) => m.text)).toEqual(['老师，我们听得很清楚']);
    // The switch is the room's again, not only reported: a classroom's message goes through.
    const toTeacher = nextNotification(wang.signaling, 'chatMessage');
    await liuli.signaling.request('chatSend', { text: '六里小学也听到了' });
    expect((await toTeacher).message).toMatchObject({ text: '六里小学也听到了', authorRole: 'classroom' });
  });

  it('T-TIMER-RESTORE: the countdown runs on to the same end instant, and the host still controls it', async () => {
    const state = await ganpu.signaling.request('timerState', {});
    expect(state).toMatchObject({ running: true, durationSeconds: 600, endsAt: countdown.endsAt });
    expect(Date.parse(state.endsAt!) - Date.parse(state.serverNow)).toBe(state.remainingMs);
    const paused = await wang.signaling.request('timerPause', {});
    expect(paused.running).toBe(false);
    expect(paused.remainingMs).toBeLessThanOrEqual(countdown.remainingMs);
    expect(paused.remainingMs).toBeGreaterThan(0);
  });

  it('BOARD-RESTORE: the board comes back on the same courseware and page with every stroke, the last one too', async () => {
    expect(board).toMatchObject({ coursewareId, page: 2, layout: 'side' });
    expect(board.strokes.map((s) => s.id)).toEqual([`r2`, `r3`]);
    expect(await ganpu.signaling.request('boardState', {})).toEqual(board);
    const late = (await joined('coord.shiyan', sessionId)).s;
    expect(await late.signaling.request('boardState', {})).toEqual(board);
    // Page 1 kept its stroke too.
    await wang.signaling.request('turnPage', { page: 1 });
    expect((await ganpu.signaling.request('boardState', {})).strokes.map((s) => s.id)).toEqual(['r1']);
    // And the timeline goes on after the rebuilt room's first write, in order.
    const room = liveService(platform).rooms.get(sessionId)!;
    await (await coursewareOf(liveService(platform)).boardOf(room)).timeline.flushed();
    const timeline = await wang.user.call(api.boardTimeline, { params: { sessionId } });
    if (!timeline.ok) throw new Error(timeline.error.message);
    expect(timeline.data.map((e) => e.seq)).toEqual(timeline.data.map((_, i) => i + 1));
    expect(timeline.data.map((e) => e.kind)).toEqual(['page', 'stroke', 'page', 'layout', 'stroke', 'stroke', 'page']);
  });
});

describe('the host\'s floor in a room made afresh mid-lesson', () => {
  let sessionId: string;
  let wang: LiveSocket;
  let ganpu: LiveSocket;
  let liuli: LiveSocket;
  let liuliBack: Awaited<ReturnType<typeof enterLesson>>;

  beforeAll(async () => {
    sessionId = await createLiveSession(platform);
    wang = (await joined('teacher.wang', sessionId)).s;
    const g = await joined('class.ganpu', sessionId);
    ganpu = g.s;
    const l = await joined('class.liuli', sessionId);
    liuli = l.s;
    // The lesson so far: 澉浦 invited to speak on stage, 六里 muted by the teacher.
    await wang.signaling.request('setStage', { peerId: g.peerId });
    await wang.signaling.request('muteClassroom', { peerId: l.peerId, muted: true });

    // The media room closes under the live room (a rebuild that failed): the teacher's join makes a new room.
    const old = liveService(platform).rooms.get(sessionId)!;
    await old.media.close();
    await wang.signaling.request('join', { sessionId });
    expect(liveService(platform).rooms.get(sessionId)).not.toBe(old);
    // 六里 comes back first, with its microphone on, and receives what it may.
    liuliBack = await enterLesson(liuli.signaling, sessionId, ['microphone']);
    await consumeAll(liuli.signaling, liuliBack.joined);
  }, 60_000);

  it('LIVE-STAGE-RESTORE: the classroom that was on stage is on stage again once it joins the rebuilt room, and the other classrooms receive it', async () => {
    const toldTeacher = nextNotification(wang.signaling, 'stageChanged', (s) => s.peerId !== null);
    const pushed = nextNotification(liuli.signaling, 'newConsumer', (c) => c.source === 'camera');
    const back = await enterLesson(ganpu.signaling, sessionId, ['camera']);
    // A fresh peer: the old one went with the old room.
    expect(back.joined.resumed).toBe(false);
    expect(back.joined.room.stagePeerId).toBe(back.joined.peerId);
    expect((await toldTeacher).peerId).toBe(back.joined.peerId);
    // The room's own stage, not only reported: a classroom receives only the classroom on stage.
    expect((await pushed).producerPeerId).toBe(back.joined.peerId);
    const room = liveService(platform).rooms.get(sessionId)!;
    expect(room.stagePeerId()).toBe(back.joined.peerId);
  });

  it('LIVE-MUTE-RESTORE: the classroom the host muted comes back muted: its microphone stays paused and it may not resume it until the host unmutes it', async () => {
    const room = liveService(platform).rooms.get(sessionId)!;
    const me = liuliBack.joined.room.peers.find((p) => p.peerId === liuliBack.joined.peerId)!;
    expect(me.mutedByHost).toBe(true);
    const mic = room.mediaPeer(room.participants.get(liuliBack.joined.peerId)!).producerOf('microphone')!;
    expect(mic).toMatchObject({ id: liuliBack.produced['microphone'], paused: true });
    expect((await signalingRefusal(liuli.signaling.request('resumeProducer', { producerId: mic.id }))).code).toBe('muted_by_host');

    // The mute is the room's again: the host's unmute gives the microphone back (it was on by the classroom's wish).
    const unmuted = nextNotification(liuli.signaling, 'mutedByHost');
    await wang.signaling.request('muteClassroom', { peerId: liuliBack.joined.peerId, muted: false });
    expect(await unmuted).toEqual({ muted: false, resumed: true });
    expect(room.mediaPeer(room.participants.get(liuliBack.joined.peerId)!).producerOf('microphone')!.paused).toBe(false);

    // The floor is on the session's tool timeline, in order.
    const results = await wang.user.call(api.liveQuizResults, { params: { sessionId } });
    if (!results.ok) throw new Error(results.error.message);
    expect(results.data.timeline.filter((e) => e.tool === 'stage' || e.tool === 'mute').map((e) => [e.tool, e.action])).toEqual([
      ['stage', 'on'],
      ['mute', 'muted'],
      ['mute', 'unmuted'],
    ]);
  });
});

describe('rate limits', () => {
  let sessionId: string;
  let wang: LiveSocket;
  let ganpu: LiveSocket;
  let ganpuPeerId: string;
  let liuli: LiveSocket;

  beforeAll(async () => {
    sessionId = await createLiveSession(platform);
    wang = (await joined('teacher.wang', sessionId)).s;
    ({ s: ganpu, peerId: ganpuPeerId } = await joined('class.ganpu', sessionId));
    liuli = (await joined('class.liuli', sessionId)).s;
    await wang.signaling.request('chatSettings', { classroomsMayChat: true });
  });

  it(`T-CHAT-RATE: the message past the limit (${CHAT_LIMIT}) is refused and kept nowhere; the others in the room chat on`, async () => {
    for (let i = 1; i <= CHAT_LIMIT; i++) await liuli.signaling.request('chatSend', { text: `第 ${i} 条` });
    await drained(platform.server.io, wang.socket);
    const heard: string[] = [];
    wang.signaling.on('chatMessage', ({ message }) => heard.push(message.text));
    const refused = await signalingRefusal(liuli.signaling.request('chatSend', { text: '太多了' }));
    expect(refused).toMatchObject({ code: 'rate_limited', message: `chatSend: at most ${CHAT_LIMIT} messages in 3600 s; wait a moment` });
    // Another classroom and the teacher are not held back by it.
    await ganpu.signaling.request('chatSend', { text: '澉浦小学' });
    await wang.signaling.request('chatSend', { text: '请大家慢一点' });
    await drained(platform.server.io, wang.socket);
    expect(heard).toEqual(['澉浦小学', '请大家慢一点']);
    const { messages } = await wang.signaling.request('chatHistory', {});
    expect(messages.map((m) => m.text)).toEqual(['第 1 条', '第 2 条', '第 3 条', '澉浦小学', '请大家慢一点']);
  });

  it(`BOARD-RATE: the stroke past the limit (${STROKE_LIMIT}) is refused and reaches nobody; undo counts too; the teacher writes on`, async () => {
    await wang.signaling.request('showCourseware', { coursewareId: null });
    await wang.signaling.request('setStage', { peerId: ganpuPeerId });
    await wang.signaling.request('setStageWriting', { allowed: true });
    const accepted: string[] = [];
    for (let i = 0; i < STROKE_LIMIT; i++) {
      const s = stroke();
      await ganpu.signaling.request('drawStroke', { stroke: s });
      accepted.push(s.id);
    }
    await drained(platform.server.io, liuli.socket);
    const seen: string[] = [];
    liuli.signaling.on('strokesAdded', ({ strokes }) => seen.push(...strokes.map((s) => s.id)));
    const extra = stroke();
    const refused = await signalingRefusal(ganpu.signaling.request('drawStroke', { stroke: extra }));
    expect(refused).toMatchObject({ code: 'rate_limited', message: `drawStroke: at most ${STROKE_LIMIT} strokes, erasures and undos in 3600 s; wait a moment` });
    expect((await signalingRefusal(ganpu.signaling.request('undoStroke', {}))).code).toBe('rate_limited');
    expect((await signalingRefusal(ganpu.signaling.request('eraseStrokes', { strokeIds: [accepted[0]!] }))).code).toBe('rate_limited');

    const teachers = stroke();
    const arrives = nextNotification(liuli.signaling, 'strokesAdded', (a) => a.strokes.some((s) => s.id === teachers.id));
    await wang.signaling.request('drawStroke', { stroke: teachers });
    await arrives;
    // Notifications arrive in order: had the refused stroke been sent, liuli would have it by now.
    expect(seen).toEqual([teachers.id]);
    expect((await liuli.signaling.request('boardState', {})).strokes.map((s) => s.id)).toEqual([...accepted, teachers.id]);
  });
});
