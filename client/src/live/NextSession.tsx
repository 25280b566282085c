import { useMemo } from 'react';
import { api } from '../app/api.ts';
import { useMe } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useLocale, useT } from '../i18n/index.ts';

/** How far ahead a waiting screen looks for the next session. */
const LOOKAHEAD_DAYS = 14;

/**
 * On the waiting screen (nothing to join yet): the caller's next session — its title and
 * when it starts — so a classroom left on this page says what it is waiting for.
 */
export function NextSession() {
  const t = useT();
  const locale = useLocale();
  const me = useMe();
  const { teacherId, classroomId } = me.account;
  const query = useMemo(() => {
    const from = new Date();
    return { from: from.toISOString(), to: new Date(from.getTime() + LOOKAHEAD_DAYS * 86400_000).toISOString(), ...(classroomId ? { classroomId } : teacherId ? { teacherId } : {}) };
  }, [teacherId, classroomId]);
  const sessions = useQuery(api.listSessions, classroomId || teacherId ? { query } : null);
  const next = sessions.data?.find((s) => s.status === 'scheduled');
  if (!sessions.data) return null;
  if (!next) return <p className="live-next" data-testid="live-next-none">{t('live.nextNone', { days: LOOKAHEAD_DAYS })}</p>;
  const when = new Intl.DateTimeFormat(locale, { timeZone: next.timeZone, month: 'long', day: 'numeric', weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(new Date(next.startsAt));
  return (
    <p className="live-next" data-testid="live-next">
      <span className="live-next-label">{t('live.nextLabel')}</span>
      <strong className="live-next-title">{next.title}</strong>
      <span className="live-next-when">{when}</span>
    </p>
  );
}
