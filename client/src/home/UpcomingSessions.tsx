import { useMemo } from 'react';
import type { LiveSession } from '../../../shared/schemas/schedule.ts';
import { api } from '../app/api.ts';
import { useQuery } from '../app/useQuery.ts';
import { useLocale, useT } from '../i18n/index.ts';
import { Badge, Card, EmptyState, LinkButton, Table } from '../ui/index.ts';

/** Days ahead the home page looks; the calendar has the rest. */
const HORIZON_DAYS = 14;
const SHOWN = 6;
/** A session may be entered this long before it starts (the server's LIVE_EARLY_JOIN_MINUTES default). */
const ENTER_BEFORE_MS = 15 * 60_000;

/**
 * A teacher's or classroom terminal's next sessions (or, `anyVisible`, a coordinator's
 * communities'), on the home page: what is on today and soon, with one click into the
 * live room when it is time.
 */
export function UpcomingSessions({ teacherId, classroomId, anyVisible }: { teacherId?: string | null; classroomId?: string | null; anyVisible?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const query = useMemo(() => {
    const from = new Date();
    const to = new Date(from.getTime() + HORIZON_DAYS * 86400_000);
    return { from: from.toISOString(), to: to.toISOString(), ...(teacherId ? { teacherId } : {}), ...(classroomId ? { classroomId } : {}) };
  }, [teacherId, classroomId]);
  const sessions = useQuery(api.listSessions, teacherId || classroomId || anyVisible ? { query } : null);
  const rows = (sessions.data ?? []).filter((s) => s.status === 'scheduled' || s.status === 'live').slice(0, SHOWN);
  const when = (s: LiveSession) =>
    new Intl.DateTimeFormat(locale, { timeZone: s.timeZone, month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(s.startsAt));
  const enterable = (s: LiveSession) => s.status === 'live' || new Date(s.startsAt).getTime() - Date.now() <= ENTER_BEFORE_MS;

  return (
    <Card title={t('home.upcoming')} testId="upcoming-sessions" flush actions={<LinkButton to="/schedule" size="sm" variant="ghost">{t('home.upcomingAll')}</LinkButton>}>
      <Table
        rows={rows}
        loading={sessions.loading && !sessions.data}
        rowKey={(s) => s.id}
        empty={<EmptyState compact icon="calendar" title={t('home.upcomingNone', { days: HORIZON_DAYS })} />}
        columns={[
          { key: 'when', header: t('home.upcomingWhen'), render: when },
          { key: 'title', header: t('home.upcomingTitle'), wrap: true, render: (s) => s.title },
          { key: 'kind', header: '', secondary: true, render: (s) => <Badge tone="blue">{t(`live.kind.${s.kind}`)}</Badge> },
          { key: 'status', header: '', render: (s) => <Badge tone={s.status === 'live' ? 'green' : 'gray'}>{t(`live.status.${s.status}`)}</Badge> },
          {
            key: 'enter',
            header: '',
            align: 'right',
            render: (s) => (enterable(s) ? <LinkButton to={`/live/${s.id}`} size="sm" variant="primary" icon="video" data-testid="upcoming-enter">{t('live.join')}</LinkButton> : null),
          },
        ]}
      />
    </Card>
  );
}
