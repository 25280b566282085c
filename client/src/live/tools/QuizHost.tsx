import { useState } from 'react';
import type { QuizKind, QuizQuestion } from '../../../../shared/schemas/classTools.ts';
import { useT, type Translate } from '../../i18n/index.ts';
import type { LiveClient, LiveView } from '../../media/LiveClient.ts';
import { Segmented } from '../../ui/index.ts';
import { clock } from '../clock.ts';
import { act } from '../TeacherConsole.tsx';
import { serverNow, useTick } from './serverClock.ts';
import { optionLetter, useQuiz } from './useQuiz.ts';

const LIMITS = [30, 60, 120, 300] as const;

/** "A", "对"…: how an option is named on every page. */
export const optionName = (t: Translate, q: Pick<QuizQuestion, 'kind'>, i: number): string =>
  q.kind === 'true_false' ? t(i === 0 ? 'live.tools.quizTrue' : 'live.tools.quizFalse') : optionLetter(i);

/** Seconds a question stays open (server time); 0 once closed or revealed. */
export function useSecondsLeft(client: LiveClient, q: QuizQuestion | undefined): number {
  const open = !!q && !q.revealedAt && Date.parse(q.closesAt) > serverNow(client.signaling);
  useTick(open, 500);
  return open ? Math.max(0, Math.ceil((Date.parse(q.closesAt) - serverNow(client.signaling)) / 1000)) : 0;
}

/**
 * The host's quick quiz 答题: ask a single/multiple choice or true/false question with a time
 * limit, watch each classroom's answer arrive, reveal the result to everybody (T-QUIZ-*).
 * Invited teachers and patrols see the same without the buttons.
 */
export function QuizHost({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const questions = useQuiz(client, view);
  const current = questions.at(-1);
  const left = useSecondsLeft(client, current);
  const host = view.permissions?.role === 'host';
  const [kind, setKind] = useState<QuizKind>('single');
  const [text, setText] = useState('');
  const [options, setOptions] = useState(['', '', '', '']);
  const [correct, setCorrect] = useState<number[]>([]);
  const [limit, setLimit] = useState<number>(60);
  const count = kind === 'true_false' ? 2 : options.length;
  const toggle = (i: number) => setCorrect((c) => (kind === 'multiple' ? (c.includes(i) ? c.filter((x) => x !== i) : [...c, i]) : [i]));
  const chooseKind = (k: QuizKind) => {
    setKind(k);
    setCorrect([]);
  };
  const ready = text.trim() !== '' && correct.length > 0 && (kind === 'true_false' || options.every((o) => o.trim() !== ''));
  const ask = act(async () => {
    await client.signaling.request('quizAsk', { kind, text: text.trim(), options: kind === 'true_false' ? [] : options.map((o) => o.trim()), correct, limitSeconds: limit });
    setText('');
    setCorrect([]);
  });
  const asking = host && (!current || current.revealedAt !== null || left === 0);
  if (!host && !current) return null;

  return (
    <section className="tools-card tools-quiz" data-testid="quiz-host" aria-label={t('live.tools.quiz')}>
      <h3 className="tools-title">{t('live.tools.quiz')}</h3>
      {current && (
        <div className="tools-quiz-current" data-testid="quiz-current" data-revealed={current.revealedAt !== null}>
          <p className="tools-quiz-text">{current.text}</p>
          <p className="tools-muted">
            {t('live.tools.quizAnswered', { n: current.answers.length, of: current.expected })}
            {left > 0 && ` · ${t('live.tools.quizLeft', { time: clock(left) })}`}
            {!current.revealedAt && left === 0 && ` · ${t('live.tools.quizClosed')}`}
          </p>
          <ul className="tools-quiz-tally">
            {current.tally.map((n, i) => (
              <li key={i} className={current.correct?.includes(i) ? 'tools-quiz-key' : undefined}>
                <b>{optionName(t, current, i)}</b> {current.options[i] ?? ''} <span data-testid="quiz-tally">{n}</span>
              </li>
            ))}
          </ul>
          <ul className="tools-quiz-answers">
            {current.answers.map((a) => (
              <li key={a.classroomId} data-testid="quiz-answer-row" data-correct={a.correct}>
                {a.classroomName}：{a.choice.map((i) => optionName(t, current, i)).join('')} {a.correct === true ? '✓' : a.correct === false ? '✗' : ''}
              </li>
            ))}
          </ul>
          {host && !current.revealedAt && (
            <button type="button" className="btn btn--primary btn--sm" onClick={act(() => client.signaling.request('quizReveal', { questionId: current.id }))} data-testid="quiz-reveal">
              {t('live.tools.quizReveal')}
            </button>
          )}
        </div>
      )}
      {asking && (
        <div className="tools-quiz-form">
          <Segmented<QuizKind>
            value={kind}
            onChange={chooseKind}
            label={t('live.tools.quizKind')}
            size="sm"
            options={[
              { value: 'single', label: t('live.tools.quizSingle') },
              { value: 'multiple', label: t('live.tools.quizMultiple') },
              { value: 'true_false', label: t('live.tools.quizTrueFalse') },
            ]}
          />
          <input className="input" value={text} maxLength={300} onChange={(e) => setText(e.target.value)} placeholder={t('live.tools.quizQuestion')} aria-label={t('live.tools.quizQuestion')} data-testid="quiz-text" />
          <p className="tools-muted">{t('live.tools.quizMarkKey')}</p>
          {Array.from({ length: count }, (_, i) => (
            <div key={i} className="tools-quiz-option">
              <button type="button" className={`tools-quiz-letter${correct.includes(i) ? ' tools-quiz-letter--key' : ''}`} aria-pressed={correct.includes(i)} onClick={() => toggle(i)} data-testid="quiz-key">
                {optionName(t, { kind }, i)}
              </button>
              {kind !== 'true_false' && (
                <input className="input input--sm" value={options[i]} maxLength={100} onChange={(e) => setOptions(options.map((o, j) => (j === i ? e.target.value : o)))} aria-label={t('live.tools.quizOption', { letter: optionLetter(i) })} data-testid="quiz-option-text" />
              )}
            </div>
          ))}
          {kind !== 'true_false' && (
            <div className="tools-quiz-option-actions">
              {options.length < 6 && (
                <button type="button" className="btn btn--link btn--sm" onClick={() => setOptions([...options, ''])}>
                  {t('live.tools.quizAddOption')}
                </button>
              )}
              {options.length > 2 && (
                <button
                  type="button"
                  className="btn btn--link btn--sm"
                  onClick={() => {
                    setOptions(options.slice(0, -1));
                    setCorrect((c) => c.filter((i) => i < options.length - 1));
                  }}
                >
                  {t('live.tools.quizRemoveOption')}
                </button>
              )}
            </div>
          )}
          <label className="tools-quiz-limit">
            {t('live.tools.quizLimit')}
            <select className="input input--sm" value={limit} onChange={(e) => setLimit(Number(e.target.value))} data-testid="quiz-limit">
              {LIMITS.map((s) => (
                <option key={s} value={s}>
                  {t('live.tools.seconds', { n: s })}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn--primary btn--sm" disabled={!ready} onClick={ask} data-testid="quiz-ask">
            {t('live.tools.quizAsk')}
          </button>
        </div>
      )}
    </section>
  );
}
