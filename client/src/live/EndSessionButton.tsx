import { useEffect, useState } from 'react';
import { useT } from '../i18n/index.ts';
import type { LiveClient, LiveView } from '../media/LiveClient.ts';
import { localDateTime } from '../app/format.ts';
import { Button, Dialog } from '../ui/index.ts';
import { ToolButton } from './components.tsx';
import { act } from './TeacherConsole.tsx';

/**
 * "End" with its confirmation: the session is judged at once and for good. Before the scheduled
 * end the dialog says so plainly — the minutes left are lost, since only the scheduled window counts.
 */
export function EndSessionButton({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!open) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, [open]);
  if (!view.permissions?.endSession) return null;
  const endsAt = view.session ? Date.parse(view.session.endsAt) : NaN;
  const minutesLeft = Number.isFinite(endsAt) ? Math.ceil((endsAt - now) / 60_000) : 0;
  const early = minutesLeft > 0;
  const end = act(async () => {
    setOpen(false);
    await client.endSession();
  });
  return (
    <>
      <ToolButton icon="end" label={t('live.end')} danger onClick={() => setOpen(true)} testId="live-end" />
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={early ? t('live.endDialog.earlyTitle') : t('live.endDialog.title')}
        testId="live-end-dialog"
        footer={
          <>
            <Button onClick={() => setOpen(false)}>{t('common.cancel')}</Button>
            <Button variant="danger" onClick={end} data-testid="live-end-confirm">
              {early ? t('live.endDialog.confirmEarly') : t('live.end')}
            </Button>
          </>
        }
      >
        {early && view.session && (
          <p data-testid="live-end-early">{t('live.endDialog.early', { end: localDateTime(view.session.endsAt).slice(11), n: minutesLeft })}</p>
        )}
        <p>{t('live.endDialog.final')}</p>
      </Dialog>
    </>
  );
}
