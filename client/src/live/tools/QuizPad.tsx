import { useState } from 'react';
import { useT } from '../../i18n/index.ts';
import type { LiveClient, LiveView } from '../../media/LiveClient.ts';
import { clock } from '../clock.ts';
import { act } from '../TeacherConsole.tsx';
import { optionName, useSecondsLeft } from './QuizHost.tsx';
import { useQuiz } from './useQuiz.ts';

/**
 * A classroom terminal's answer pad: one big button per option, usable from the back of the
 * room; a multiple choice question is sent with a big "submit". After the reveal: the key,
 * the class's own answer right or wrong, and how the classrooms answered.
 */
export function QuizPad({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const questions = useQuiz(client, view);
  const q = questions.at(-1);
  const left = useSecondsLeft(client, q);
  const [picked, setPicked] = useState<{ id: string; choice: number[] }>({ id: '', choice: [] });
  if (!q) return null;
  const mine = q.answers.find((a) => a.classroomId === view.peers.find((p) => p.peerId === view.peerId)?.classroomId);
  const open = !q.revealedAt && left > 0 && !mine;
  const choice = picked.id === q.id ? picked.choice : [];
  const send = (c: number[]) => act(() => client.signaling.request('quizAnswer', { questionId: q.id, choice: c }))();
  const press = (i: number) => {
    if (q.kind !== 'multiple') return send([i]);
    setPicked({ id: q.id, choice: choice.includes(i) ? choice.filter((x) => x !== i) : [...choice, i] });
  };
  const count = q.kind === 'true_false' ? 2 : q.options.length;

  return (
    <section className="tools-pad" data-testid="quiz-pad" data-question-id={q.id}>
      <p className="tools-pad-text">{q.text}</p>
      {open && <p className="tools-pad-left">{t('live.tools.quizLeft', { time: clock(left) })}</p>}
      <div className="tools-pad-options">
        {Array.from({ length: count }, (_, i) => {
          const chosen = mine ? mine.choice.includes(i) : choice.includes(i);
          const key = q.correct?.includes(i);
          return (
            <button
              key={i}
              type="button"
              className={`tools-pad-option${chosen ? ' tools-pad-option--chosen' : ''}${key ? ' tools-pad-option--key' : ''}`}
              disabled={!open}
              aria-pressed={chosen}
              onClick={() => press(i)}
              data-testid="quiz-option"
              data-index={i}
            >
              <span className="tools-pad-letter">{optionName(t, q, i)}</span>
              {q.options[i] && <span className="tools-pad-label">{q.options[i]}</span>}
              {q.revealedAt && <span className="tools-pad-count">{t('live.tools.quizCount', { n: q.tally[i] ?? 0 })}</span>}
            </button>
          );
        })}
      </div>
      {open && q.kind === 'multiple' && (
        <button type="button" className="tools-pad-submit" disabled={choice.length === 0} onClick={() => send([...choice].sort((a, b) => a - b))} data-testid="quiz-submit">
          {t('live.tools.quizSubmit')}
        </button>
      )}
      <p className="tools-pad-status" data-testid="quiz-status" data-state={q.revealedAt ? 'revealed' : mine ? 'answered' : open ? 'open' : 'closed'}>
        {q.revealedAt
          ? mine
            ? t(mine.correct ? 'live.tools.quizRight' : 'live.tools.quizWrong')
            : t('live.tools.quizRevealedNoAnswer')
          : mine
            ? t('live.tools.quizSent')
            : open
              ? ''
              : t('live.tools.quizClosed')}
      </p>
      {q.revealedAt && (
        <p className="tools-pad-key" data-testid="quiz-result">
          {t('live.tools.quizKey', { key: (q.correct ?? []).map((i) => optionName(t, q, i)).join('') })}
        </p>
      )}
    </section>
  );
}
