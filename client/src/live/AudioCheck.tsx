import { useState } from 'react';
import { useT } from '../i18n/index.ts';
import { runAudioCheck, type AudioCheckReading, type AudioCheckResult } from '../media/audioCheck.ts';
import { Alert, Button } from '../ui/index.ts';

const tone = { pass: 'success', echo: 'warning', 'not-heard': 'info', 'silent-mic': 'danger' } as const;

/**
 * The classroom terminal's audio check (issue #6): plays a tone through the
 * speakers, listens with the microphone, and says whether the far end would
 * hear an echo — with advice when it would.
 */
export function AudioCheck({ onDone }: { onDone?: (result: AudioCheckResult) => void }) {
  const t = useT();
  const [state, setState] = useState<'idle' | 'running' | 'done' | 'error'>('idle');
  const [out, setOut] = useState<{ reading: AudioCheckReading; result: AudioCheckResult } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = () => {
    setState('running');
    setError(null);
    runAudioCheck().then(
      (r) => {
        setOut(r);
        setState('done');
        onDone?.(r.result);
      },
      (err: unknown) => {
        setError(err instanceof Error ? err.message : String(err));
        setState('error');
      },
    );
  };
  const onOff = (v: boolean | null) => (v === null ? '?' : v ? t('live.audioCheck.on') : t('live.audioCheck.off'));

  return (
    <div className="live-audiocheck" data-testid="live-audiocheck" data-state={state} data-verdict={out?.result.verdict}>
      <p className="live-hint">{t('live.audioCheck.intro')}</p>
      {state === 'running' && <p role="status">{t('live.audioCheck.running')}</p>}
      {state === 'error' && <Alert tone="danger">{error}</Alert>}
      {state === 'done' && out && (
        <Alert tone={tone[out.result.verdict]} title={t(`live.audioCheck.verdict.${out.result.verdict}`)} testId="live-audiocheck-result">
          {out.result.advice.length > 0 && (
            <ul>
              {out.result.advice.map((a) => (
                <li key={a}>{t(`live.audioCheck.advice.${a}`)}</li>
              ))}
            </ul>
          )}
          <p className="live-hint">{t('live.audioCheck.figures', { heard: out.result.heardDb, echo: out.result.echoDb })}</p>
          <p className="live-hint" data-testid="live-audiocheck-settings">
            {t('live.audioCheck.settings', { ec: onOff(out.reading.settings.echoCancellation), ns: onOff(out.reading.settings.noiseSuppression), agc: onOff(out.reading.settings.autoGainControl) })}
          </p>
        </Alert>
      )}
      <Button onClick={run} loading={state === 'running'} data-testid="live-audiocheck-run">
        {state === 'done' ? t('live.audioCheck.again') : t('live.audioCheck.run')}
      </Button>
    </div>
  );
}
