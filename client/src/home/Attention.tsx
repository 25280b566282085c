import { useMemo } from 'react';
import { api } from '../app/api.ts';
import { localDateTime, todayIso } from '../app/format.ts';
import { Link } from '../app/router.tsx';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { statusReasonText } from '../live/verdictText.ts';

/** How far back "missed this week" looks. */
const MISSED_LOOKBACK_DAYS = 7;

/**
 * What needs a coordinator in one community: offline research held but not yet
 * confirmed (it counts only once confirmed), lessons missed this week with the reason,
 * and lessons whose member schools have left (they no longer count).
 */
export function CommunityAttention({ communityId }: { communityId: string }) {
  const t = useT();
  const today = todayIso();
  const span = useMemo(() => {
    const to = new Date();
    return { from: new Date(to.getTime() - MISSED_LOOKBACK_DAYS * 86400_000).toISOString(), to: to.toISOString() };
  }, []);
  const offline = useQuery(api.listOfflineResearch, { query: { communityId, to: today } });
  const recent = useQuery(api.listSessions, { query: { communityId, ...span } });
  const stranded = useQuery(api.listStrandedLessons, { params: { communityId } });

  const toConfirm = (offline.data ?? []).filter((o) => o.status === 'planned' && o.heldOn <= today);
  const missed = (recent.data ?? []).filter((s) => s.status === 'missed');
  const strandedCount = stranded.data?.length ?? 0;
  const loaded = offline.data && recent.data && stranded.data;
  if (!loaded) return null;
  if (toConfirm.length === 0 && missed.length === 0 && strandedCount === 0) {
    return <p className="home-attention-none muted" data-testid="home-attention-none">{t('home.attentionNone')}</p>;
  }
  return (
    <ul className="home-attention" data-testid="home-attention">
      {toConfirm.map((o) => (
        <li key={o.id} data-kind="offline">
          <Link to="/schedule/offline-research">{t('home.attentionConfirm', { title: o.title, date: o.heldOn })}</Link>
        </li>
      ))}
      {missed.map((s) => (
        <li key={s.id} data-kind="missed">
          {t('home.attentionMissed', { title: s.title, when: localDateTime(s.startsAt, { timeZone: s.timeZone }) })}
          {s.statusReason ? `：${statusReasonText(t, s.statusReason)}` : ''}
        </li>
      ))}
      {strandedCount > 0 && (
        <li data-kind="stranded">
          <Link to={`/communities/${communityId}`}>{t('home.attentionStranded', { n: strandedCount })}</Link>
        </li>
      )}
    </ul>
  );
}
