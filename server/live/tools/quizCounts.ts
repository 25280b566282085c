import { count, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { liveQuizAnswers, liveQuizQuestions } from '../../db/schema/index.ts';

/**
 * P-QUIZ-ANSWERED: the quiz as participation evidence — questions asked per session and
 * answers per session and classroom (`<session>:<classroom>`), for the participation figures.
 */
export async function quizCounts(db: Db, sessionIds: readonly string[]): Promise<{ questions: Map<string, number>; answers: Map<string, number> }> {
  const ids = [...sessionIds];
  if (!ids.length) return { questions: new Map(), answers: new Map() };
  const [questions, answers] = await Promise.all([
    db.select({ sessionId: liveQuizQuestions.sessionId, n: count() }).from(liveQuizQuestions).where(inArray(liveQuizQuestions.sessionId, ids)).groupBy(liveQuizQuestions.sessionId),
    db
      .select({ sessionId: liveQuizAnswers.sessionId, classroomId: liveQuizAnswers.classroomId, n: count() })
      .from(liveQuizAnswers)
      .where(inArray(liveQuizAnswers.sessionId, ids))
      .groupBy(liveQuizAnswers.sessionId, liveQuizAnswers.classroomId),
  ]);
  return {
    questions: new Map(questions.map((r) => [r.sessionId, Number(r.n)])),
    answers: new Map(answers.map((r) => [`${r.sessionId}:${r.classroomId}`, Number(r.n)])),
  };
}
