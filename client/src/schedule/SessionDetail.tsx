import { useState } from 'react';
import type { LiveSession } from '../../../shared/schemas/schedule.ts';
import { api, call } from '../app/api.ts';
import { useQuery } from '../app/useQuery.ts';
import { useSubjectLabel } from '../app/reference.ts';
import { isMessageKey, useT, type MessageKey } from '../i18n/index.ts';
import { localDateTime } from '../app/format.ts';
import { Badge, Button, DateInput, DescriptionList, Drawer, Field, FieldRow, FormErrors, LinkButton, Segmented, TextInput, toast, useApiForm, type BadgeTone } from '../ui/index.ts';
import { useRole } from '../app/session.ts';
import { localDate, localTime, zonedIso } from './grid.ts';
import { statusReasonText } from '../live/verdictText.ts';

export const statusTone: Record<LiveSession['status'], BadgeTone> = { scheduled: 'blue', live: 'green', delivered: 'teal', missed: 'orange', cancelled: 'gray' };

export interface SessionDetailProps {
  session: LiveSession | null;
  onClose(): void;
  /** Whether the user may cancel it (coordinators, the host teacher). */
  canChange: boolean;
  onChanged(): void;
}

export function SessionDetail({ session, onClose, canChange, onChanged }: SessionDetailProps) {
  const t = useT();
  const subjectLabel = useSubjectLabel();
  const form = useApiForm(['reason']);
  const [reason, setReason] = useState('');
  const [scope, setScope] = useState<'one' | 'following'>('one');
  const moveForm = useApiForm(['startsAt', 'endsAt']);
  const [move, setMove] = useState<{ date: string; start: string; end: string } | null>(null);
  const history = useQuery(api.sessionHistory, session ? { params: { id: session.id } } : null);
  const role = useRole();
  if (!session) return null;
  const s = session;
  const host = s.teachers.find((x) => x.role === 'host');
  const when = `${localDate(s.startsAt)} ${localTime(s.startsAt)}–${localTime(s.endsAt)} (${s.timeZone})`;

  const cancel = async () => {
    const res = await form.submit(() => call(api.cancelSession, { params: { id: s.id }, body: { reason, scope } }));
    if (res?.ok) {
      toast.success(t('schedule.detail.cancelled'));
      setReason('');
      onChanged();
      onClose();
    }
  };

  const moveTo = async () => {
    if (!move) return;
    const res = await moveForm.submit(() => call(api.updateSession, { params: { id: s.id }, body: { startsAt: zonedIso(move.date, move.start), endsAt: zonedIso(move.date, move.end), scope } }));
    if (res?.ok) {
      toast.success(t('common.saved'));
      setMove(null);
      onChanged();
      onClose();
    }
  };

  return (
    <Drawer open onClose={onClose} title={s.title} subtitle={`${t(`schedule.kind.${s.kind}`)}${s.mode ? ` · ${t(`schedule.mode.${s.mode}`)}` : ''} · ${s.communityName}`} testId="session-detail">
      <DescriptionList
        items={[
          { label: t('schedule.detail.when'), value: when },
          { label: t('schedule.detail.status'), value: <Badge tone={statusTone[s.status]}>{t(`schedule.status.${s.status}`)}{s.statusReason ? `：${statusReasonText(t, s.statusReason)}` : ''}</Badge> },
          ...(s.subjectCode ? [{ label: t('schedule.form.subject'), value: subjectLabel(s.subjectCode) }] : []),
          ...(s.topic ? [{ label: t('schedule.form.topic'), value: s.topic }] : []),
          { label: t('schedule.detail.host'), value: host ? `${host.name}（${host.schoolName}）` : '—' },
          ...(s.classrooms.length ? [{ label: t('schedule.detail.classrooms'), value: s.classrooms.map((c) => `${c.schoolName} ${c.name}${c.role === 'host' ? ' ★' : ''}`).join('、') }] : []),
          ...(s.teachers.some((x) => x.role === 'invited') ? [{ label: t('schedule.detail.invited'), value: s.teachers.filter((x) => x.role === 'invited').map((x) => `${x.name}（${x.schoolName}）`).join('、') }] : []),
          ...(s.override ? [{ label: t('schedule.detail.override'), value: `${s.override.byName}：${s.override.reason}` }] : []),
          ...(s.seriesId ? [{ label: t('schedule.detail.series'), value: '✓' }] : []),
        ]}
      />
      {/* Participation data and the counting rules' verdict (issue #6, client/src/live/ParticipationPage.tsx). */}
      {(s.status === 'live' || s.status === 'delivered' || s.status === 'missed') && role !== 'classroom' && (
        <LinkButton to={`/live/report/${s.id}`} icon="chart" size="sm" data-testid="session-participation">
          {t('live.report.link')}
        </LinkButton>
      )}
      {history.data && (
        <section className="sched-history">
          <h3>{t('schedule.detail.history')}</h3>
          <ol>
            {history.data.map((h, i) => (
              <li key={i}>
                <span className="muted">{localDateTime(h.at, { timeZone: s.timeZone })}</span> {h.fromStatus ? `${t(`schedule.status.${h.fromStatus}`)} → ` : ''}
                {t(`schedule.status.${h.toStatus}`)} · {h.actor?.displayName ?? (h.systemSource && isMessageKey(`schedule.system.${h.systemSource}`) ? t(`schedule.system.${h.systemSource}` as MessageKey) : h.systemSource)}
                {h.reason ? ` · ${statusReasonText(t, h.reason)}` : ''}
              </li>
            ))}
          </ol>
        </section>
      )}
      {canChange && s.status === 'scheduled' && s.seriesId && (
        <Segmented<'one' | 'following'>
          value={scope}
          onChange={setScope}
          size="sm"
          options={[
            { value: 'one', label: t('schedule.form.scopeOne') },
            { value: 'following', label: t('schedule.form.scopeFollowing') },
          ]}
        />
      )}
      {canChange && s.status === 'scheduled' && (
        <section className="sched-cancel">
          <h3>{t('schedule.form.editTitle')}</h3>
          <FormErrors form={moveForm} />
          {move ? (
            <>
              <FieldRow>
                <Field label={t('schedule.form.date')} name="startsAt" error={moveForm.of('startsAt')}>
                  <DateInput value={move.date} onChange={(date) => setMove({ ...move, date })} data-testid="move-date" />
                </Field>
                <Field label={t('schedule.form.start')}>
                  <TextInput type="time" value={move.start} onChange={(start) => setMove({ ...move, start })} data-testid="move-start" />
                </Field>
                <Field label={t('schedule.form.end')} name="endsAt" error={moveForm.of('endsAt')}>
                  <TextInput type="time" value={move.end} onChange={(end) => setMove({ ...move, end })} data-testid="move-end" />
                </Field>
              </FieldRow>
              <Button variant="primary" onClick={() => void moveTo()} loading={moveForm.submitting} data-testid="move-save">
                {t('common.save')}
              </Button>
            </>
          ) : (
            <Button onClick={() => setMove({ date: localDate(s.startsAt), start: localTime(s.startsAt), end: localTime(s.endsAt) })} data-testid="move-session">
              {t('common.edit')}
            </Button>
          )}
        </section>
      )}
      {canChange && s.status === 'scheduled' && (
        <section className="sched-cancel">
          <h3>{t('schedule.detail.cancel')}</h3>
          <FormErrors form={form} />
          <Field label={t('schedule.detail.cancelReason')} name="reason" error={form.of('reason')}>
            <TextInput value={reason} onChange={setReason} data-testid="cancel-reason" />
          </Field>
          <Button variant="danger" onClick={() => void cancel()} loading={form.submitting} disabled={reason.trim().length < 2} data-testid="cancel-session">
            {t('schedule.detail.cancel')}
          </Button>
        </section>
      )}
    </Drawer>
  );
}
