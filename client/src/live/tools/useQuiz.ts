import { useEffect, useState } from 'react';
import type { QuizAnswer, QuizQuestion } from '../../../../shared/schemas/classTools.ts';
import type { LiveClient, LiveView } from '../../media/LiveClient.ts';

/** An answer that arrived: added once; counted in the tally where the viewer sees the answers. */
function withAnswer(q: QuizQuestion, a: QuizAnswer): QuizQuestion {
  if (q.id !== a.questionId || q.answers.some((x) => x.classroomId === a.classroomId)) return q;
  const tally = q.correct ? q.tally.map((n, i) => (a.choice.includes(i) ? n + 1 : n)) : q.tally;
  return { ...q, answers: [...q.answers, a], tally, expected: Math.max(q.expected, q.answers.length + 1) };
}

/** The room's quiz questions as this participant may see them, kept current by the notifications. */
export function useQuiz(client: LiveClient, view: LiveView): QuizQuestion[] {
  const [questions, setQuestions] = useState<QuizQuestion[]>([]);
  useEffect(() => {
    const sig = client.signaling;
    const put = (q: QuizQuestion) => setQuestions((qs) => (qs.some((x) => x.id === q.id) ? qs.map((x) => (x.id === q.id ? q : x)) : [...qs, q]));
    const offs = [
      sig.on('quizAsked', ({ question }) => put(question)),
      sig.on('quizRevealed', ({ question }) => put(question)),
      sig.on('quizAnswered', ({ answer }) => setQuestions((qs) => qs.map((q) => withAnswer(q, answer)))),
    ];
    if (view.state === 'live') sig.request('quizState', {}).then((r) => setQuestions(r.questions), () => undefined);
    return () => offs.forEach((off) => off());
  }, [client, view.state]);
  return questions;
}

/** "A", "B"… for choice questions; true/false options are worded by the caller. */
export const optionLetter = (i: number): string => String.fromCharCode(65 + i);
