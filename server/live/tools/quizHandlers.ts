import type { quizRequests } from '../../../shared/signaling/quiz.ts';
import type { LiveRoom, Participant } from '../LiveRoom.ts';
import { LiveError } from '../errors.ts';
import { inRoom, requireModerator } from '../handlers.ts';
import { everyone, storeOf, type HandlersOf } from './kit.ts';
import { answerView, questionView, type QuizViewer } from './QuizBook.ts';

const viewerOf = (p: Participant): QuizViewer => ({ seesAll: p.role !== 'classroom', classroomId: p.actor.classroomId });

/** The classrooms in the room now: how many answers the teacher waits for. */
const classroomsIn = (room: LiveRoom): number => new Set([...room.participants.values()].filter((p) => p.role === 'classroom' && p.actor.classroomId).map((p) => p.actor.classroomId)).size;

/** Quick quiz 答题 (T-QUIZ-*): the host asks and reveals, each classroom terminal answers once for its class. */
export function quizHandlers(): HandlersOf<typeof quizRequests> {
  return {
    quizAsk: inRoom<'quizAsk'>(async (ctx, req) => {
      requireModerator(ctx);
      const q = ctx.room.tools.quiz.ask(req, new Date());
      try {
        await storeOf(ctx.service).questionAsked(ctx.room.sessionId, ctx.actor.accountId, q);
      } catch (err) {
        ctx.room.tools.quiz.withdraw(q.id);
        throw err;
      }
      const expected = classroomsIn(ctx.room);
      for (const p of everyone(ctx)) ctx.room.notify(p, 'quizAsked', { question: questionView(q, viewerOf(p), expected) });
      return { question: questionView(q, viewerOf(ctx.peer), expected) };
    }),

    quizAnswer: inRoom<'quizAnswer'>(async (ctx, { questionId, choice }) => {
      const { peer, room } = ctx;
      const classroomId = peer.actor.classroomId;
      if (peer.role !== 'classroom' || !classroomId) throw new LiveError('forbidden', 'Only classroom terminals answer quizzes, each for its class');
      const quiz = room.tools.quiz;
      const a = quiz.answer(questionId, { id: classroomId, name: peer.actor.displayName, accountId: peer.actor.accountId }, choice, new Date());
      const q = quiz.get(questionId)!;
      try {
        await storeOf(ctx.service).answered(room.sessionId, questionId, a);
      } catch (err) {
        q.answers.delete(classroomId);
        throw err;
      }
      for (const p of everyone(ctx)) if (p.role !== 'classroom' || p.actor.classroomId === classroomId) room.notify(p, 'quizAnswered', { answer: answerView(q, a, viewerOf(p)) });
      return { answer: answerView(q, a, viewerOf(peer)) };
    }),

    quizReveal: inRoom<'quizReveal'>(async (ctx, { questionId }) => {
      requireModerator(ctx);
      const quiz = ctx.room.tools.quiz;
      const already = quiz.get(questionId)?.revealedAt;
      const q = quiz.reveal(questionId, new Date());
      const expected = classroomsIn(ctx.room);
      if (!already) {
        await storeOf(ctx.service).revealed(ctx.room.sessionId, ctx.actor.accountId, q);
        for (const p of everyone(ctx)) ctx.room.notify(p, 'quizRevealed', { question: questionView(q, viewerOf(p), expected) });
      }
      return { question: questionView(q, viewerOf(ctx.peer), expected) };
    }),

    quizState: inRoom<'quizState'>(async ({ room, peer }) => {
      const expected = classroomsIn(room);
      return { questions: room.tools.quiz.questions.map((q) => questionView(q, viewerOf(peer), expected)) };
    }),
  };
}
