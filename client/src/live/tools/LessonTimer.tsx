import { useState } from 'react';
import { useT } from '../../i18n/index.ts';
import type { LiveClient, LiveView } from '../../media/LiveClient.ts';
import { clock } from '../clock.ts';
import { act } from '../TeacherConsole.tsx';
import { useTimer } from './useTimer.ts';

const PRESETS = [1, 3, 5, 10, 15, 20] as const;

/** The countdown every page shows (nothing while none is set); the host gets its controls beside it. */
export function LessonTimer({ client, view, controls, large }: { client: LiveClient; view: LiveView; controls?: boolean; large?: boolean }) {
  const t = useT();
  const { state, leftMs } = useTimer(client, view);
  const [minutes, setMinutes] = useState<number>(5);
  const set = !!state && (state.running || state.remainingMs > 0 || state.endsAt !== null);
  const over = set && leftMs === 0;
  const shown = set && (
    <span className={`tools-timer${large ? ' tools-timer--large' : ''}${over ? ' tools-timer--over' : ''}`} data-testid="lesson-timer" data-running={state.running} role="timer" aria-label={t('live.tools.timer')}>
      {over ? t('live.tools.timerOver') : clock(Math.ceil(leftMs / 1000))}
    </span>
  );
  if (!controls) return shown || null;
  const start = (seconds?: number) => act(() => client.signaling.request('timerStart', seconds === undefined ? {} : { seconds }));
  return (
    <div className="tools-timer-row" data-testid="lesson-timer-controls">
      <span className="tools-label">{t('live.tools.timer')}</span>
      {shown}
      {state?.running ? (
        <button type="button" className="btn btn--secondary btn--sm" onClick={act(() => client.signaling.request('timerPause', {}))} data-testid="timer-pause">
          {t('live.tools.timerPause')}
        </button>
      ) : (
        <>
          {set && !over && (
            <button type="button" className="btn btn--secondary btn--sm" onClick={start()} data-testid="timer-continue">
              {t('live.tools.timerContinue')}
            </button>
          )}
          <select className="input input--sm" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} aria-label={t('live.tools.timerLength')} data-testid="timer-minutes">
            {PRESETS.map((m) => (
              <option key={m} value={m}>
                {t('live.tools.minutes', { n: m })}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn--primary btn--sm" onClick={start(minutes * 60)} data-testid="timer-start">
            {t('live.tools.timerStart')}
          </button>
        </>
      )}
      {set && (
        <button type="button" className="btn btn--link btn--sm" onClick={act(() => client.signaling.request('timerReset', {}))} data-testid="timer-reset">
          {t('live.tools.timerReset')}
        </button>
      )}
    </div>
  );
}
