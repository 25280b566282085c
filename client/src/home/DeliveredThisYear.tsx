import { useMemo } from 'react';
import { api } from '../app/api.ts';
import { academicYearOf } from '../app/format.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Card, Stat } from '../ui/index.ts';

/** A teacher's own record this year: lessons and research sessions they hosted that were delivered, and those missed. */
export function DeliveredThisYear({ teacherId }: { teacherId: string }) {
  const t = useT();
  const start = academicYearOf().startsOn;
  const query = useMemo(() => ({ from: new Date(`${start}T00:00:00+08:00`).toISOString(), to: new Date().toISOString(), teacherId }), [start, teacherId]);
  const sessions = useQuery(api.listSessions, { query });
  const hosted = (sessions.data ?? []).filter((s) => s.teachers.some((x) => x.id === teacherId && x.role === 'host'));
  const count = (kind: 'sync_lesson' | 'online_research', status: 'delivered' | 'missed') => (sessions.data ? hosted.filter((s) => s.kind === kind && s.status === status).length : '–');
  return (
    <Card title={t('home.myYearTitle')} subtitle={t('home.myYearSubtitle', { from: start })} testId="my-year">
      <div className="stats stats--inline">
        <Stat icon="video" tone="teal" label={t('home.myLessonsDelivered')} value={count('sync_lesson', 'delivered')} hint={t('home.myMissed', { n: count('sync_lesson', 'missed') })} testId="my-lessons-delivered" />
        <Stat icon="teacher" tone="purple" label={t('home.myResearchDelivered')} value={count('online_research', 'delivered')} hint={t('home.myMissed', { n: count('online_research', 'missed') })} />
      </div>
    </Card>
  );
}
