/**
 * Class tools over real signaling (a real mediasoup worker under the rooms; nobody needs to
 * send media): the quick quiz, chat and the lesson countdown, their records in the database
 * and the REST reads. Rules T-QUIZ-*, T-CHAT-*, T-TIMER-*, T-TOOLS-SCOPE in server/live/tools/README.md.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { api } from '../../shared/api/index.ts';
import { liveQuizAnswers } from '../../server/db/schema/index.ts';
import { createLiveSession, liveSocket, nextNotification, tempDataDir, type LiveSocket, signalingRefusal } from '../support/live.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained } from '../support/sockets.ts';
import { waitFor } from '../support/waitFor.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
const sockets: LiveSocket[] = [];

async function open(username: string): Promise<LiveSocket> {
  const s = await liveSocket(platform, username);
  sockets.push(s);
  return s;
}

const refusal = signalingRefusal;

async function joined(username: string, sessionId: string): Promise<LiveSocket> {
  const s = await open(username);
  await s.signaling.request('join', { sessionId });
  return s;
}

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

describe('quick quiz in a lesson', () => {
  let sessionId: string;
  let teacher: LiveSocket;
  let ganpu: LiveSocket;
  let liuli: LiveSocket;
  let first: string;

  beforeAll(async () => {
    sessionId = await createLiveSession(platform);
    teacher = await joined('teacher.wang', sessionId);
    ganpu = await joined('class.ganpu', sessionId);
    liuli = await joined('class.liuli', sessionId);
  });

  it('T-QUIZ-HOST: a classroom may not ask; a malformed question is refused naming the field', async () => {
    expect(await refusal(ganpu.signaling.request('quizAsk', { kind: 'single', text: '1/2 和 2/4 哪个大？', options: ['1/2', '2/4', '一样大'], correct: [2], limitSeconds: 60 }))).toMatchObject({
      code: 'forbidden',
      message: 'Only the teacher hosting the session may do this',
    });
    const raw = await teacher.socket.timeout(5000).emitWithAck('live:quizAsk', { kind: 'single', text: '?', options: ['a', 'b'], correct: [0, 1], limitSeconds: 60 });
    expect(raw).toEqual({ error: { code: 'validation', message: expect.stringContaining('correct') } });
  });

  it('T-QUIZ-REVEAL: the host asks; every classroom sees the question without the key', async () => {
    const seen = nextNotification(ganpu.signaling, 'quizAsked');
    const { question } = await teacher.signaling.request('quizAsk', { kind: 'single', text: '1/2 和 2/4 哪个大？', options: ['1/2', '2/4', '一样大'], correct: [2], limitSeconds: 600 });
    first = question.id;
    expect(question).toMatchObject({ correct: [2], tally: [0, 0, 0], answers: [], expected: 2 });
    expect((await seen).question).toMatchObject({ id: first, text: '1/2 和 2/4 哪个大？', options: ['1/2', '2/4', '一样大'], correct: null });
  });

  it('T-QUIZ-ONE-OPEN: a second question while one is open is a conflict', async () => {
    expect((await refusal(teacher.signaling.request('quizAsk', { kind: 'true_false', text: '分母越大分数越大', correct: [1], limitSeconds: 30 }))).code).toBe('conflict');
  });

  it('T-QUIZ-ANSWERER, T-QUIZ-ONCE: a classroom answers once; the teacher sees it arrive, the other classroom does not', async () => {
    const arrives = nextNotification(teacher.signaling, 'quizAnswered');
    const { answer } = await ganpu.signaling.request('quizAnswer', { questionId: first, choice: [2] });
    expect(answer).toMatchObject({ classroomName: expect.any(String), choice: [2], correct: null });
    expect((await arrives).answer).toMatchObject({ questionId: first, classroomId: answer.classroomId, choice: [2], correct: true });
    const heard: unknown[] = [];
    liuli.signaling.on('quizAnswered', (a) => heard.push(a));
    await drained(platform.server.io, liuli.socket);
    expect(heard).toEqual([]);

    expect(await refusal(ganpu.signaling.request('quizAnswer', { questionId: first, choice: [0] }))).toMatchObject({ code: 'conflict', message: 'This classroom has answered this question already' });
    expect((await refusal(teacher.signaling.request('quizAnswer', { questionId: first, choice: [0] }))).code).toBe('forbidden');
    expect((await refusal(liuli.signaling.request('quizAnswer', { questionId: first, choice: [0, 1] }))).code).toBe('validation');
    expect((await refusal(liuli.signaling.request('quizAnswer', { questionId: first, choice: [3] }))).code).toBe('validation');
    await liuli.signaling.request('quizAnswer', { questionId: first, choice: [0] });

    // Before the reveal a classroom sees only its own answer, without right or wrong.
    const { questions } = await liuli.signaling.request('quizState', {});
    expect(questions).toHaveLength(1);
    expect(questions[0]!.answers).toEqual([expect.objectContaining({ choice: [0], correct: null })]);
    expect(questions[0]!.correct).toBeNull();
    const host = await teacher.signaling.request('quizState', {});
    expect(host.questions[0]).toMatchObject({ tally: [1, 0, 1], correct: [2] });
  });

  it('T-QUIZ-REVEAL: the reveal shows the key, the tally and every answer to every classroom', async () => {
    const toGanpu = nextNotification(ganpu.signaling, 'quizRevealed');
    const toLiuli = nextNotification(liuli.signaling, 'quizRevealed');
    await teacher.signaling.request('quizReveal', { questionId: first });
    for (const { question } of [await toGanpu, await toLiuli]) {
      expect(question).toMatchObject({ correct: [2], tally: [1, 0, 1] });
      expect(question.answers.map((a) => a.correct).sort()).toEqual([false, true]);
    }
  });

  it('T-QUIZ-LIMIT: an answer at or after the time limit is refused, by the room and by the database', async () => {
    const { question } = await teacher.signaling.request('quizAsk', { kind: 'multiple', text: '哪些分数等于 1/2？', options: ['2/4', '3/6', '2/3'], correct: [0, 1], limitSeconds: 5 });
    const closesAt = Date.parse(question.closesAt);
    await waitFor('the question to close', () => Date.now(), (now) => now > closesAt + 20, 30_000, 200);
    expect(await refusal(liuli.signaling.request('quizAnswer', { questionId: question.id, choice: [0, 1] }))).toMatchObject({ code: 'conflict', message: 'The time limit of this question is over' });
    const { questions } = await teacher.signaling.request('quizState', {});
    expect(questions.find((q) => q.id === question.id)!.answers).toEqual([]);

    // The database refuses what the room refused: a late answer, and a second answer of a classroom.
    const [row] = await platform.database.db.select().from(liveQuizAnswers).where(sql`${liveQuizAnswers.questionId} = ${first}`).limit(1);
    await expect(platform.database.db.insert(liveQuizAnswers).values({ ...row!, questionId: question.id, answeredAt: new Date(closesAt + 1000) })).rejects.toThrow();
    await expect(platform.database.db.insert(liveQuizAnswers).values({ ...row! })).rejects.toThrow();
    await expect(platform.database.db.execute(sql`update live_quiz_answers set choice = '[1]' where question_id = ${first}`)).rejects.toThrow();
  });

  it('T-QUIZ-TIMELINE, T-TOOLS-SCOPE, P-QUIZ-ANSWERED: the results and the timeline are kept with the session; who may not see it gets a 404', async () => {
    const coordinator = await platform.signIn('coord.shiyan');
    const res = await coordinator.call(api.liveQuizResults, { params: { sessionId } });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.data.questions).toHaveLength(2);
    expect(res.data.questions[0]).toMatchObject({ id: first, correct: [2], tally: [1, 0, 1], revealedAt: expect.any(String) });
    expect(res.data.questions[0]!.answers).toHaveLength(2);
    expect(res.data.questions[1]).toMatchObject({ kind: 'multiple', answers: [], revealedAt: null });
    expect(res.data.timeline.filter((e) => e.tool === 'quiz').map((e) => e.action)).toEqual(['asked', 'answered', 'answered', 'revealed', 'asked']);
    expect(res.data.timeline[1]!.detail).toMatchObject({ questionId: first, choice: [2] });

    const host = await platform.signIn('teacher.wang');
    expect((await host.call(api.liveQuizResults, { params: { sessionId } })).ok).toBe(true);

    // P-QUIZ-ANSWERED: each classroom's answers count in its participation figures, of the questions asked.
    const part = await coordinator.call(api.liveParticipation, { params: { sessionId } });
    expect(part.ok).toBe(true);
    if (!part.ok) return;
    expect(part.data.quizQuestions).toBe(2);
    const answered = part.data.participants.filter((p) => p.kind === 'classroom' && !p.hostClassroom).map((p) => p.quizAnswers);
    expect(answered).toEqual([1, 1]);
    expect(part.data.participants.filter((p) => p.kind === 'teacher').every((p) => p.quizAnswers === 0)).toBe(true);
    for (const username of ['coord.xiangyang', 'teacher.li', 'class.ganpu']) {
      const other = await platform.signIn(username);
      expect((await other.call(api.liveQuizResults, { params: { sessionId } })).status).toBe(404);
      expect((await other.call(api.liveChatHistory, { params: { sessionId } })).status).toBe(404);
    }
  });

  it('T-TIMER-HOST, T-TIMER-SERVER-TIME: the host runs the countdown; everyone, a late joiner too, gets its end in server time', async () => {
    expect((await refusal(ganpu.signaling.request('timerStart', { seconds: 60 }))).code).toBe('forbidden');
    expect((await refusal(teacher.signaling.request('timerStart', {}))).code).toBe('conflict');
    const told = nextNotification(ganpu.signaling, 'timerChanged', (s) => s.running);
    const started = await teacher.signaling.request('timerStart', { seconds: 300 });
    expect(started).toMatchObject({ durationSeconds: 300, running: true, remainingMs: 300_000 });
    expect(Date.parse(started.endsAt!) - Date.parse(started.serverNow)).toBe(300_000);
    expect((await told).endsAt).toBe(started.endsAt);

    const late = await joined('coord.shiyan', sessionId);
    const seen = await late.signaling.request('timerState', {});
    expect(seen).toMatchObject({ running: true, endsAt: started.endsAt, durationSeconds: 300 });
    expect(Date.parse(seen.endsAt!) - Date.parse(seen.serverNow)).toBe(seen.remainingMs);

    const paused = await teacher.signaling.request('timerPause', {});
    expect(paused).toMatchObject({ running: false });
    expect(paused.remainingMs).toBeGreaterThan(0);
    expect(paused.remainingMs).toBeLessThanOrEqual(300_000);
    expect(await liuli.signaling.request('timerState', {})).toMatchObject({ running: false, remainingMs: paused.remainingMs });
    const again = await teacher.signaling.request('timerStart', {});
    expect(Date.parse(again.endsAt!) - Date.parse(again.serverNow)).toBe(paused.remainingMs);
    const reset = nextNotification(liuli.signaling, 'timerChanged', (s) => s.durationSeconds === 0);
    await teacher.signaling.request('timerReset', {});
    expect(await reset).toMatchObject({ running: false, endsAt: null, remainingMs: 0 });

    const res = await (await platform.signIn('coord.shiyan')).call(api.liveQuizResults, { params: { sessionId } });
    expect(res.ok && res.data.timeline.filter((e) => e.tool === 'timer').map((e) => e.action)).toEqual(['started', 'paused', 'continued', 'reset']);
  });

  it('T-CHAT-CLASSROOMS: in a lesson classroom terminals write only after the host turns it on', async () => {
    expect(await refusal(ganpu.signaling.request('chatSend', { text: '老师好' }))).toMatchObject({ code: 'forbidden', message: 'Classroom terminals may chat only when the teacher turns it on' });
    expect((await refusal(ganpu.signaling.request('chatSettings', { classroomsMayChat: true }))).code).toBe('forbidden');
    const on = nextNotification(ganpu.signaling, 'chatSettingsChanged');
    await teacher.signaling.request('chatSettings', { classroomsMayChat: true });
    expect(await on).toEqual({ classroomsMayChat: true });
    const toTeacher = nextNotification(teacher.signaling, 'chatMessage');
    await ganpu.signaling.request('chatSend', { text: '老师好' });
    expect((await toTeacher).message).toMatchObject({ text: '老师好', authorRole: 'classroom' });
  });
});

describe('chat in a research session', () => {
  let sessionId: string;
  let wang: LiveSocket;
  let li: LiveSocket;
  let patrol: LiveSocket;

  beforeAll(async () => {
    sessionId = await createLiveSession(platform, { kind: 'online_research' });
    wang = await joined('teacher.wang', sessionId);
    li = await joined('teacher.li', sessionId);
    patrol = await joined('coord.shiyan', sessionId);
  });

  it('T-CHAT-WHO, T-CHAT-SCOPE: the teachers write, everyone in the room reads, a patrol only reads', async () => {
    const toWang = nextNotification(wang.signaling, 'chatMessage');
    const toPatrol = nextNotification(patrol.signaling, 'chatMessage');
    const { message } = await li.signaling.request('chatSend', { text: '  第二单元的练习我整理好了  ' });
    expect(message).toMatchObject({ text: '第二单元的练习我整理好了', authorRole: 'teacher', deletedAt: null });
    expect((await toWang).message.id).toBe(message.id);
    expect((await toPatrol).message.id).toBe(message.id);
    expect(await refusal(patrol.signaling.request('chatSend', { text: '巡课' }))).toMatchObject({ code: 'forbidden' });
    await wang.signaling.request('chatSend', { text: '好的，谢谢！' });
    const { messages, settings } = await li.signaling.request('chatHistory', {});
    expect(messages.map((m) => m.text)).toEqual(['第二单元的练习我整理好了', '好的，谢谢！']);
    expect(settings).toEqual({ classroomsMayChat: false });
  });

  it('T-CHAT-TEXT: control characters and overlong text are refused', async () => {
    expect(await refusal(li.signaling.request('chatSend', { text: 'a\u0000b' }))).toMatchObject({ code: 'validation', message: expect.stringContaining('text') });
    expect(await refusal(li.signaling.request('chatSend', { text: 'a\u0007b' }))).toMatchObject({ code: 'validation' });
    const raw = await li.socket.timeout(5000).emitWithAck('live:chatSend', { text: 'x'.repeat(501) });
    expect(raw).toEqual({ error: { code: 'validation', message: expect.stringContaining('text') } });
    const multiLine = await li.signaling.request('chatSend', { text: '第一行\n第二行' });
    expect(multiLine.message.text).toBe('第一行\n第二行');
  });

  it('T-CHAT-DELETE: the host deletes any message, the others only their own; a deleted message keeps its place without text', async () => {
    const { messages } = await wang.signaling.request('chatHistory', {});
    const hers = messages.find((m) => m.text === '第二单元的练习我整理好了')!;
    const his = messages.find((m) => m.text === '好的，谢谢！')!;
    expect(await refusal(li.signaling.request('chatDelete', { messageId: his.id }))).toMatchObject({ code: 'forbidden' });
    expect(await refusal(patrol.signaling.request('chatDelete', { messageId: hers.id }))).toMatchObject({ code: 'forbidden' });
    expect((await refusal(li.signaling.request('chatDelete', { messageId: '00000000-0000-4000-8000-000000000000' }))).code).toBe('not_found');
    const told = nextNotification(li.signaling, 'chatDeleted');
    await wang.signaling.request('chatDelete', { messageId: hers.id });
    expect((await told).messageId).toBe(hers.id);
    await wang.signaling.request('chatDelete', { messageId: hers.id });
    const after = await li.signaling.request('chatHistory', {});
    expect(after.messages.find((m) => m.id === hers.id)).toMatchObject({ text: '', deletedAt: expect.any(String) });

    const coordinator = await platform.signIn('coord.shiyan');
    const res = await coordinator.call(api.liveChatHistory, { params: { sessionId } });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const wangAccount = (await platform.signIn('teacher.wang')).me.account.id;
    expect(res.data.messages.find((m) => m.id === hers.id)).toMatchObject({ text: '', deletedBy: wangAccount });
    expect(res.data.messages.filter((m) => !m.deletedAt)).toHaveLength(2);
    const timeline = await coordinator.call(api.liveQuizResults, { params: { sessionId } });
    expect(timeline.ok && timeline.data.timeline.map((e) => `${e.tool}:${e.action}`)).toEqual(['chat:deleted']);
    expect((await (await platform.signIn('coord.xiangyang')).call(api.liveChatHistory, { params: { sessionId } })).status).toBe(404);
  });
});
