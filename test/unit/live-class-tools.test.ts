/** The class tools' room state with explicit instants (rules in server/live/tools/README.md). */
import { describe, expect, it } from 'vitest';
import { QuizAskRequest } from '../../shared/schemas/classTools.ts';
import { ChatLog } from '../../server/live/tools/ChatLog.ts';
import { LessonTimer } from '../../server/live/tools/LessonTimer.ts';
import { questionView, QuizBook } from '../../server/live/tools/QuizBook.ts';

const t0 = new Date('2026-03-02T01:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const ganpu = { id: '11111111-1111-4111-8111-111111111111', name: '三年级(1)班', accountId: 'a1' };
const liuli = { id: '22222222-2222-4222-8222-222222222222', name: '四年级(2)班', accountId: 'a2' };
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return null;
};

describe('quiz book', () => {
  it('T-QUIZ-LIMIT: an answer at the closing instant or after the reveal is refused; just before it counts', () => {
    const book = new QuizBook();
    const q = book.ask({ kind: 'single', text: 'q', options: ['a', 'b'], correct: [1], limitSeconds: 10 }, t0);
    expect(message(() => book.answer(q.id, ganpu, [1], at(10_000)))).toBe('The time limit of this question is over');
    expect(book.answer(q.id, ganpu, [1], at(9_999)).choice).toEqual([1]);
    book.reveal(q.id, at(5_000));
    expect(message(() => book.answer(q.id, liuli, [0], at(6_000)))).toBe('The answers of this question have been revealed');
  });

  it('T-QUIZ-ONE-OPEN: the next question may be asked once the previous one closed', () => {
    const book = new QuizBook();
    book.ask({ kind: 'true_false', text: 'q', options: [], correct: [0], limitSeconds: 10 }, t0);
    expect(message(() => book.ask({ kind: 'true_false', text: 'r', options: [], correct: [0], limitSeconds: 10 }, at(9_000)))).toMatch(/still open/);
    expect(book.ask({ kind: 'true_false', text: 'r', options: [], correct: [0], limitSeconds: 10 }, at(10_000)).text).toBe('r');
  });

  it('T-QUIZ-REVEAL: a classroom sees its own answer without right or wrong until the reveal; multiple choice is right only when complete', () => {
    const book = new QuizBook();
    const q = book.ask({ kind: 'multiple', text: 'q', options: ['a', 'b', 'c'], correct: [2, 0], limitSeconds: 60 }, t0);
    book.answer(q.id, ganpu, [2, 0], at(1000));
    book.answer(q.id, liuli, [0], at(2000));
    const mine = questionView(q, { seesAll: false, classroomId: ganpu.id }, 2);
    expect(mine).toMatchObject({ correct: null, tally: [0, 0, 0], answers: [{ classroomId: ganpu.id, choice: [0, 2], correct: null }] });
    const host = questionView(q, { seesAll: true, classroomId: null }, 2);
    expect(host.tally).toEqual([2, 0, 1]);
    expect(host.answers.map((a) => a.correct)).toEqual([true, false]);
    book.reveal(q.id, at(3000));
    expect(questionView(q, { seesAll: false, classroomId: liuli.id }, 2).answers).toHaveLength(2);
  });

  it('the question schema checks the key against the options', () => {
    expect(QuizAskRequest.safeParse({ kind: 'true_false', text: 'q', correct: [1], limitSeconds: 5 }).success).toBe(true);
    expect(QuizAskRequest.safeParse({ kind: 'true_false', text: 'q', correct: [2], limitSeconds: 5 }).success).toBe(false);
    expect(QuizAskRequest.safeParse({ kind: 'single', text: 'q', options: ['a'], correct: [0], limitSeconds: 5 }).success).toBe(false);
    expect(QuizAskRequest.safeParse({ kind: 'multiple', text: 'q', options: ['a', 'b'], correct: [0, 0], limitSeconds: 5 }).success).toBe(false);
    expect(QuizAskRequest.safeParse({ kind: 'single', text: 'q', options: ['a', 'b'], correct: [0], limitSeconds: 601 }).success).toBe(false);
  });
});

describe('lesson timer', () => {
  it('T-TIMER-SERVER-TIME: running, what is left follows from the end instant; paused, it stays; continued, it runs on', () => {
    const timer = new LessonTimer();
    timer.start(60, t0);
    expect(timer.state(at(15_000))).toMatchObject({ running: true, remainingMs: 45_000, endsAt: at(60_000).toISOString() });
    timer.pause(at(20_000));
    expect(timer.state(at(50_000))).toMatchObject({ running: false, remainingMs: 40_000, endsAt: null });
    timer.start(undefined, at(100_000));
    expect(timer.state(at(100_000))).toMatchObject({ running: true, endsAt: at(140_000).toISOString() });
    expect(timer.state(at(150_000))).toMatchObject({ running: false, remainingMs: 0 });
    expect(message(() => timer.pause(at(150_000)))).toBe('The countdown is not running');
    timer.reset();
    expect(timer.state(t0)).toMatchObject({ durationSeconds: 0, running: false, remainingMs: 0, endsAt: null });
  });

  it('T-TIMER-RESTORE: replaying the timeline\'s changes gives the same countdown as the room that made them', () => {
    const live = new LessonTimer();
    const changes: { action: string; detail: Record<string, unknown>; at: Date }[] = [];
    live.start(300, t0);
    changes.push({ action: 'started', detail: { seconds: 300 }, at: t0 });
    live.pause(at(70_000));
    changes.push({ action: 'paused', detail: { remainingMs: live.state(at(70_000)).remainingMs }, at: at(70_000) });

    // Paused: the same time is left, whenever the room is rebuilt.
    const paused = new LessonTimer();
    paused.replay(changes);
    expect(paused.state(at(500_000))).toEqual(live.state(at(500_000)));
    expect(paused.state(at(500_000))).toMatchObject({ running: false, remainingMs: 230_000, durationSeconds: 300 });

    live.start(undefined, at(100_000));
    changes.push({ action: 'continued', detail: {}, at: at(100_000) });
    // Running: the same end instant, so what is left keeps going down across the rebuild.
    const running = new LessonTimer();
    running.replay(changes);
    expect(running.state(at(150_000))).toEqual(live.state(at(150_000)));
    expect(running.state(at(150_000))).toMatchObject({ running: true, endsAt: at(330_000).toISOString(), remainingMs: 180_000 });
    // It goes on working as before: the host pauses it.
    running.pause(at(200_000));
    expect(running.state(at(200_000)).remainingMs).toBe(130_000);

    changes.push({ action: 'reset', detail: {}, at: at(400_000) });
    const reset = new LessonTimer();
    reset.replay(changes);
    expect(reset.state(at(400_000))).toMatchObject({ durationSeconds: 0, running: false, endsAt: null, remainingMs: 0 });
    // A countdown that ran out before the rebuild is over, not running again.
    const over = new LessonTimer();
    over.replay(changes.slice(0, 1));
    expect(over.state(at(301_000))).toMatchObject({ running: false, remainingMs: 0, endsAt: at(300_000).toISOString() });
  });
});

describe('restoring a quiz', () => {
  it('T-TOOLS-RESTORE: a rebuilt room\'s quiz book holds the records\' questions; their rules hold as before', () => {
    const before = new QuizBook();
    const q = before.ask({ kind: 'single', text: 'q', options: ['a', 'b'], correct: [1], limitSeconds: 60 }, t0);
    before.answer(q.id, ganpu, [1], at(5_000));
    const rebuilt = new QuizBook();
    rebuilt.restore(before.questions);
    expect(message(() => rebuilt.ask({ kind: 'true_false', text: 'p', options: [], correct: [0], limitSeconds: 30 }, at(10_000)))).toMatch(/still open/);
    expect(message(() => rebuilt.answer(q.id, ganpu, [0], at(10_000)))).toBe('This classroom has answered this question already');
    expect(rebuilt.answer(q.id, liuli, [0], at(10_000)).choice).toEqual([0]);
    expect(message(() => rebuilt.restore(before.questions))).toMatch(/questions of its own/);
  });
});

describe('chat log', () => {
  it('T-CHAT-WHO, T-CHAT-DELETE: patrols only read, classrooms write when allowed, only the host deletes others\' messages', () => {
    const chat = new ChatLog();
    expect(message(() => chat.checkSend('observer'))).toMatch(/Patrols/);
    expect(message(() => chat.checkSend('classroom'))).toMatch(/turns it on/);
    chat.classroomsMayChat = true;
    expect(message(() => chat.checkSend('classroom'))).toBeNull();
    expect(message(() => chat.checkDelete('host', 'h', 'x'))).toBeNull();
    expect(message(() => chat.checkDelete('teacher', 't', 't'))).toBeNull();
    expect(message(() => chat.checkDelete('teacher', 't', 'x'))).toMatch(/Only the host/);
    expect(message(() => chat.checkDelete('observer', 'o', 'o'))).toMatch(/Only the host/);
  });
});
