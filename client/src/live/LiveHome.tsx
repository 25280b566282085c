import { useEffect } from 'react';
import { api } from '../app/api.ts';
import { navigate } from '../app/router.tsx';
import { useRole } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useLocale, useT } from '../i18n/index.ts';
import { Badge, Card, EmptyState, LinkButton, PageHeader, Spinner } from '../ui/index.ts';
import './live.css';
import { NextSession } from './NextSession.tsx';

/** How often the list (and a waiting classroom terminal) looks for a lesson that went live. */
export const LIVE_POLL_MS = 5000;

/**
 * `/live`: what the caller can join now or soon. A classroom terminal left on
 * this page enters its lesson by itself as soon as the teacher goes live.
 */
export function LiveHome() {
  const t = useT();
  const locale = useLocale();
  const role = useRole();
  const now = useQuery(api.liveNow, {});

  useEffect(() => {
    const timer = setInterval(() => void now.reload(), LIVE_POLL_MS);
    return () => clearInterval(timer);
  }, [now.reload]);

  const live = now.data?.find((i) => i.session.status === 'live');
  useEffect(() => {
    if (role === 'classroom' && live) navigate(`/live/${live.session.id}`);
  }, [role, live]);

  const time = (iso: string) => new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

  return (
    <>
      <PageHeader title={t('live.title')} description={t('live.description')} />
      {!now.data ? (
        <Spinner />
      ) : now.data.length === 0 ? (
        <>
          <EmptyState icon="video" title={t('live.none')} description={t('live.noneHint', { minutes: 15 })} testId="live-none" />
          <NextSession />
        </>
      ) : (
        <div className="live-list" data-testid="live-list">
          {now.data.map((i) => (
            <Card key={i.session.id} testId="live-item">
              <div className="live-list-item">
                <div>
                  <h3>{i.session.title}</h3>
                  <div className="live-list-meta">
                    <Badge tone="blue">{t(`live.kind.${i.session.kind}`)}</Badge>
                    {i.session.mode && <Badge tone="purple">{t(`live.mode.${i.session.mode}`)}</Badge>}
                    <Badge tone={i.session.status === 'live' ? 'green' : 'gray'}>{t(`live.status.${i.session.status}`)}</Badge>
                    <span>{t('live.startsAt', { time: time(i.session.startsAt) })}</span>
                    <span>{t(`live.role.${i.role}`)}</span>
                    {i.peers > 0 && <span>{t('live.peers', { n: i.peers })}</span>}
                  </div>
                </div>
                {(i.session.status === 'live' || i.role === 'host') && (
                  <LinkButton to={`/live/${i.session.id}`} variant="primary" icon="video" data-testid="live-enter">
                    {i.session.status === 'live' ? t('live.join') : t('live.goLive')}
                  </LinkButton>
                )}
                {i.session.status !== 'live' && i.role === 'classroom' && <span className="live-hint">{t('live.autoJoin')}</span>}
              </div>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
