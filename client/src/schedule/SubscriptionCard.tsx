import { useState } from 'react';
import { api, call } from '../app/api.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Button, Card, TextInput, toast } from '../ui/index.ts';

/** The private iCalendar subscription URL of the signed-in user (shown once; revocable). */
export function SubscriptionCard() {
  const t = useT();
  const state = useQuery(api.getCalendarFeed, {});
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async () => {
    setBusy(true);
    const res = await call(api.createCalendarFeed);
    setBusy(false);
    if (res.ok) {
      setUrl(res.data.url);
      state.setData({ ...res.data, url: null });
    }
  };
  const revoke = async () => {
    setBusy(true);
    await call(api.revokeCalendarFeed);
    setBusy(false);
    setUrl(null);
    void state.reload();
  };
  const copy = async () => {
    if (!url) return;
    await navigator.clipboard?.writeText(url).catch(() => undefined);
    toast.success(t('schedule.feed.copied'));
  };

  return (
    <Card title={t('schedule.feed.title')} subtitle={t('schedule.feed.description')} testId="calendar-feed">
      {url && (
        <div className="sched-feed-url">
          <TextInput value={url} onChange={() => undefined} readOnly aria-label={t('schedule.feed.title')} data-testid="calendar-feed-url" />
          <Button size="sm" onClick={() => void copy()}>
            {t('schedule.feed.copy')}
          </Button>
        </div>
      )}
      <p className="muted">{state.data?.active ? t('schedule.feed.active', { date: (state.data.createdAt ?? '').slice(0, 10) }) : t('schedule.feed.none')}</p>
      <div className="sched-feed-actions">
        <Button size="sm" variant={state.data?.active ? 'secondary' : 'primary'} onClick={() => void create()} loading={busy} data-testid="calendar-feed-create">
          {state.data?.active ? t('schedule.feed.rotate') : t('schedule.feed.create')}
        </Button>
        {state.data?.active && (
          <Button size="sm" variant="ghost" onClick={() => void revoke()} disabled={busy}>
            {t('schedule.feed.revoke')}
          </Button>
        )}
      </div>
    </Card>
  );
}
