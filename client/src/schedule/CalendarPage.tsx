import { useEffect, useMemo, useState } from 'react';
import type { LiveSession } from '../../../shared/schemas/schedule.ts';
import { api } from '../app/api.ts';
import { todayIso } from '../app/format.ts';
import { useLocation } from '../app/router.tsx';
import { useMe } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Button, Card, LinkButton, LoadError, PageHeader, Segmented, Select } from '../ui/index.ts';
import { AgendaView, MonthView, useNarrowScreen, WeekView } from './CalendarViews.tsx';
import { StatusLegend } from './SessionChip.tsx';
import { useMoveSession } from './moveSession.ts';
import { SCHOOL_ZONE, shiftAnchor, viewRange, type ViewMode } from './grid.ts';
import { SessionDetail } from './SessionDetail.tsx';
import { SessionForm } from './SessionForm.tsx';
import { useSchedule, type ViewBy } from './store.ts';
import { SubscriptionCard } from './SubscriptionCard.tsx';
import './schedule.css';

/** Week and month calendars per community, teacher or classroom; create by clicking a slot. */
export function CalendarPage() {
  const t = useT();
  const me = useMe();
  const role = me.account.role;
  const { mode, anchor, communityId, viewBy, resourceId, directories, set, loadDirectory } = useSchedule();
  const communities = useQuery(api.listCommunities, {});
  const [formAt, setFormAt] = useState<{ date: string; time: string } | null>(null);
  const [opened, setOpened] = useState<LiveSession | null>(null);
  // `/schedule?date=2026-12-01` opens the calendar at that date (links, bookmarks).
  const dateParam = useLocation().query.get('date');
  useEffect(() => {
    if (dateParam && /^\d{4}-\d{2}-\d{2}$/.test(dateParam)) set({ anchor: dateParam });
  }, [dateParam, set]);

  // The first community the caller may see is the default.
  useEffect(() => {
    const first = communities.data?.[0];
    if (!communityId && first) set({ communityId: first.id });
  }, [communities.data, communityId, set]);
  useEffect(() => {
    if (communityId) void loadDirectory(communityId);
  }, [communityId, loadDirectory]);
  const directory = communityId ? directories[communityId] : undefined;

  const { days, from, to } = viewRange(mode, anchor);
  const ownOnly = role === 'teacher' || role === 'classroom';
  const query = useMemo(
    () => ({
      from,
      to,
      // Cancelled sessions stay on the calendar, struck through: the week's record.
      includeCancelled: 'true' as const,
      ...(!ownOnly && communityId ? { communityId } : {}),
      ...(viewBy === 'teacher' && resourceId ? { teacherId: resourceId } : {}),
      ...(viewBy === 'classroom' && resourceId ? { classroomId: resourceId } : {}),
    }),
    [from, to, ownOnly, communityId, viewBy, resourceId],
  );
  const sessions = useQuery(api.listSessions, ownOnly || communityId ? { query } : null);

  const manages = role === 'admin' || role === 'coordinator';
  const ownTeacher = role === 'teacher' && directory?.teachers.find((x) => x.id === me.account.teacherId && x.schoolRole === 'core');
  const canCreate = Boolean(communityId) && (manages || Boolean(ownTeacher));
  const canChange = (s: LiveSession) => manages || (role === 'teacher' && s.teachers.some((x) => x.role === 'host' && x.id === me.account.teacherId));

  const narrow = useNarrowScreen();
  const move = useMoveSession(() => void sessions.reload());
  const title = mode === 'week' ? t('schedule.weekOf', { from: days[0]!, to: days[6]! }) : anchor.slice(0, 7);
  const exportHref = `${api.exportCalendar.path}?${new URLSearchParams({ ...(communityId && !ownOnly ? { communityId } : {}), ...(viewBy === 'teacher' && resourceId ? { teacherId: resourceId } : {}), ...(viewBy === 'classroom' && resourceId ? { classroomId: resourceId } : {}) }).toString()}`;

  if (communities.error && !communities.data) return <LoadError onRetry={() => void communities.reload()} />;

  return (
    <>
      <PageHeader
        title={t('schedule.title')}
        description={t('schedule.description')}
        actions={
          <>
            <a className="btn btn--secondary btn--md" href={exportHref} download="tongbu.ics" data-testid="export-ics">
              <span>{t('schedule.exportIcs')}</span>
            </a>
            {manages && (
              <LinkButton to="/schedule/import" icon="folder">
                {t('schedule.import')}
              </LinkButton>
            )}
            {canCreate && (
              <Button variant="primary" icon="plus" onClick={() => setFormAt({ date: anchor, time: '09:00' })} data-testid="new-session">
                {t('schedule.new')}
              </Button>
            )}
          </>
        }
      />
      <Card flush>
        <div className="toolbar sched-toolbar">
          <div className="sched-nav">
            <Button size="sm" icon="chevronLeft" aria-label={t('schedule.prev')} onClick={() => set({ anchor: shiftAnchor(mode, anchor, -1) })} data-testid="calendar-prev" />
            <Button size="sm" onClick={() => set({ anchor: todayIso() })}>
              {t('schedule.today')}
            </Button>
            <Button size="sm" icon="chevronRight" aria-label={t('schedule.next')} onClick={() => set({ anchor: shiftAnchor(mode, anchor, 1) })} data-testid="calendar-next" />
            <strong className="sched-range" data-testid="calendar-range">
              {title}
            </strong>
          </div>
          <Segmented<ViewMode>
            value={mode}
            onChange={(m) => set({ mode: m })}
            size="sm"
            options={[
              { value: 'week', label: t('schedule.week') },
              { value: 'month', label: t('schedule.month') },
            ]}
          />
          {!ownOnly && (
            <>
              <Select className="toolbar-select" value={communityId} onChange={(id) => set({ communityId: id, resourceId: '' })} options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))} aria-label={t('schedule.community')} data-testid="calendar-community" />
              <Select
                className="toolbar-select"
                value={viewBy}
                onChange={(v) => set({ viewBy: v as ViewBy, resourceId: '' })}
                options={(['community', 'teacher', 'classroom'] as const).map((v) => ({ value: v, label: t(`schedule.viewBy.${v}`) }))}
                aria-label={t('schedule.viewBy')}
              />
              {viewBy !== 'community' && (
                <Select
                  className="toolbar-select"
                  value={resourceId}
                  onChange={(id) => set({ resourceId: id })}
                  placeholder={t('common.choose')}
                  options={viewBy === 'teacher' ? (directory?.teachers ?? []).map((x) => ({ value: x.id, label: `${x.name}（${x.schoolName}）` })) : (directory?.classrooms ?? []).map((x) => ({ value: x.id, label: `${x.schoolName} ${x.name}` }))}
                  aria-label={viewBy === 'teacher' ? t('schedule.teacher') : t('schedule.classroom')}
                  data-testid="calendar-resource"
                />
              )}
            </>
          )}
          {ownOnly && <span className="muted">{t('schedule.mySchedule')}</span>}
          <span className="muted sched-zone">{t('schedule.timesIn', { zone: SCHOOL_ZONE })}</span>
        </div>
        {sessions.error && !sessions.data ? (
          <LoadError onRetry={() => void sessions.reload()} />
        ) : mode === 'week' && narrow ? (
          <AgendaView days={days} sessions={sessions.data ?? []} onOpen={setOpened} />
        ) : mode === 'week' ? (
          <WeekView
            days={days}
            sessions={sessions.data ?? []}
            onOpen={setOpened}
            onSlot={canCreate ? (date, time) => setFormAt({ date, time }) : undefined}
            canMove={(s) => s.status === 'scheduled' && canChange(s)}
            onMove={move}
          />
        ) : (
          <MonthView days={days} month={anchor.slice(0, 7)} sessions={sessions.data ?? []} onOpen={setOpened} onDay={(d) => set({ mode: 'week', anchor: d })} />
        )}
        <StatusLegend />
        {canCreate && mode === 'week' && !narrow && <p className="muted sched-hint">{t('schedule.clickSlotHint')} {t('schedule.moveHint')}</p>}
      </Card>
      <SubscriptionCard />
      {communityId && (
        <SessionForm
          open={formAt !== null}
          onClose={() => setFormAt(null)}
          communityId={communityId}
          directory={directory}
          initial={formAt ?? { date: anchor, time: '09:00' }}
          canOverride={manages}
          ownTeacherId={ownTeacher ? ownTeacher.id : null}
          onSaved={() => void sessions.reload()}
        />
      )}
      <SessionDetail session={opened} onClose={() => setOpened(null)} canChange={opened ? canChange(opened) : false} onChanged={() => void sessions.reload()} />
    </>
  );
}
