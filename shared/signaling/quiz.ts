import { z } from 'zod';
import { QuizAnswer, QuizAskRequest, QuizChoice, QuizQuestion } from '../schemas/classTools.ts';
import { Id } from '../schemas/common.ts';

/**
 * Quick quiz 答题 (rules T-QUIZ-* in server/live/tools/README.md): the host asks, each
 * classroom terminal answers once for its class within the time limit, the host reveals.
 * Spread into the signaling table (live.ts).
 */
export const quizRequests = {
  /** Host: ask a question; it is open for `limitSeconds` (one open question at a time). */
  quizAsk: { request: QuizAskRequest, response: z.object({ question: QuizQuestion }) },
  /** Classroom: its class's answer (once per question, before the time limit). */
  quizAnswer: { request: z.object({ questionId: Id, choice: QuizChoice }), response: z.object({ answer: QuizAnswer }) },
  /** Host: show the key and every classroom's answer to everybody (closes the question). */
  quizReveal: { request: z.object({ questionId: Id }), response: z.object({ question: QuizQuestion }) },
  /** The session's questions as this participant may see them (after a join or a reconnect). */
  quizState: { request: z.object({}), response: z.object({ questions: z.array(QuizQuestion) }) },
} as const;

export const quizNotifications = {
  quizAsked: z.object({ question: QuizQuestion }),
  /** To the host, invited teachers and patrols: a classroom's answer arrived. To the classroom itself: its own. */
  quizAnswered: z.object({ answer: QuizAnswer }),
  quizRevealed: z.object({ question: QuizQuestion }),
} as const;
