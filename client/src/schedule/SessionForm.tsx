import { useEffect, useMemo, useRef, useState } from 'react';
import type { SessionCheckResult, SessionCreate } from '../../../shared/schemas/schedule.ts';
import { api, call } from '../app/api.ts';
import { useSubjects } from '../app/reference.ts';
import { localName, useLocale, useServerT, useT } from '../i18n/index.ts';
import { Alert, Button, CheckboxGroup, DateInput, Drawer, Field, FieldRow, FormErrors, Segmented, Select, TextInput, toast, useApiForm } from '../ui/index.ts';
import { addDays } from '../../../shared/schedule/time.ts';
import { zonedIso } from './grid.ts';
import type { Directory } from './store.ts';

type Kind = 'sync_lesson' | 'online_research';
type Mode = 'interactive' | 'dedicated' | 'master';
type Repeat = 'none' | 'until' | 'count';

export interface SessionFormProps {
  open: boolean;
  onClose(): void;
  communityId: string;
  directory: Directory | undefined;
  /** Where the user clicked (local date and time), or today. */
  initial: { date: string; time: string };
  /** Coordinators and admins may override the academic calendar. */
  canOverride: boolean;
  /** A core-school teacher schedules as themselves. */
  ownTeacherId: string | null;
  onSaved(): void;
}

const plusMinutes = (time: string, minutes: number) => {
  const total = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) + minutes;
  return `${String(Math.min(23, Math.floor(total / 60))).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
};

/** `{ 1: message }` for `field.1` → `{ <id at 1>: message }`, as the checkbox group wants. */
const byValue = (items: Record<number, string>, list: readonly string[]) => Object.fromEntries(Object.entries(items).map(([i, m]) => [list[Number(i)] ?? i, m]));

const FIELDS = ['kind', 'title', 'topic', 'subjectCode', 'mode', 'startsAt', 'endsAt', 'hostTeacherId', 'hostClassroomId', 'memberClassroomIds', 'invitedTeacherIds', 'recurrence', 'override'];

export function SessionForm({ open, onClose, communityId, directory, initial, canOverride, ownTeacherId, onSaved }: SessionFormProps) {
  const t = useT();
  const tServer = useServerT();
  const locale = useLocale();
  const subjects = useSubjects();
  const form = useApiForm(FIELDS);
  const [kind, setKind] = useState<Kind>('sync_lesson');
  const [title, setTitle] = useState('');
  const [topic, setTopic] = useState('');
  const [subjectCode, setSubjectCode] = useState('');
  const [mode, setMode] = useState<Mode>('interactive');
  const [date, setDate] = useState(initial.date);
  const [start, setStart] = useState(initial.time);
  const [end, setEnd] = useState(plusMinutes(initial.time, 40));
  const [hostTeacherId, setHostTeacherId] = useState(ownTeacherId ?? '');
  const [hostClassroomId, setHostClassroomId] = useState('');
  const [memberClassroomIds, setMemberClassroomIds] = useState<string[]>([]);
  const [invitedTeacherIds, setInvitedTeacherIds] = useState<string[]>([]);
  const [repeat, setRepeat] = useState<Repeat>('none');
  const [until, setUntil] = useState(addDays(initial.date, 28));
  const [count, setCount] = useState('8');
  const [overrideReason, setOverrideReason] = useState('');
  const [check, setCheck] = useState<{ result?: SessionCheckResult; checking: boolean }>({ checking: false });

  // A teacher plans as themselves: the form is mounted before the directory that names them loads.
  useEffect(() => {
    if (ownTeacherId) setHostTeacherId(ownTeacherId);
  }, [ownTeacherId]);

  // A click on another slot re-opens the form there.
  useEffect(() => {
    if (!open) return;
    setDate(initial.date);
    setStart(initial.time);
    setEnd(plusMinutes(initial.time, kind === 'sync_lesson' ? 40 : 60));
    setUntil(addDays(initial.date, 28));
    form.clear();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, initial.date, initial.time]);

  const teachers = directory?.teachers ?? [];
  const classrooms = directory?.classrooms ?? [];
  const hostTeacher = teachers.find((x) => x.id === hostTeacherId);

  const body = useMemo((): SessionCreate | null => {
    if (!title.trim() || !date || !/^\d\d:\d\d$/.test(start) || !/^\d\d:\d\d$/.test(end) || !hostTeacherId) return null;
    return {
      communityId,
      kind,
      title: title.trim(),
      topic,
      subjectCode: subjectCode || null,
      mode: kind === 'sync_lesson' ? mode : null,
      startsAt: zonedIso(date, start),
      endsAt: zonedIso(date, end),
      hostTeacherId,
      hostClassroomId: kind === 'sync_lesson' ? hostClassroomId || null : null,
      memberClassroomIds: kind === 'sync_lesson' ? memberClassroomIds : [],
      invitedTeacherIds: kind === 'online_research' ? invitedTeacherIds : [],
      recurrence: repeat === 'until' ? { until } : repeat === 'count' ? { count: Number(count) || 1 } : null,
      override: canOverride && overrideReason.trim().length >= 2 ? { reason: overrideReason.trim() } : null,
    };
  }, [communityId, kind, title, topic, subjectCode, mode, date, start, end, hostTeacherId, hostClassroomId, memberClassroomIds, invitedTeacherIds, repeat, until, count, overrideReason, canOverride]);

  // Checks for clashes as the user edits (debounced); only the latest answer counts.
  const seq = useRef(0);
  useEffect(() => {
    if (!open || !body) {
      setCheck({ checking: false });
      return;
    }
    const mine = ++seq.current;
    setCheck((c) => ({ ...c, checking: true }));
    const timer = setTimeout(async () => {
      const res = await call(api.checkSession, { body });
      if (mine !== seq.current) return;
      setCheck({ checking: false, ...(res.ok ? { result: res.data } : {}) });
    }, 350);
    return () => clearTimeout(timer);
  }, [open, body]);

  const save = async () => {
    if (!body) return;
    const res = await form.submit(() => call(api.createSession, { body }));
    if (res?.ok) {
      toast.success(t('schedule.form.saved', { n: res.data.sessions.length }));
      setTitle('');
      setTopic('');
      onSaved();
      onClose();
    }
  };

  const teacherOption = (x: (typeof teachers)[number]) => ({ value: x.id, label: `${x.name}（${x.schoolName}）` });
  const roomOption = (x: (typeof classrooms)[number]) => ({ value: x.id, label: `${x.schoolName} ${x.name}` });
  const result = check.result;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('schedule.form.newTitle')}
      testId="session-form"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="primary" onClick={() => void save()} loading={form.submitting} disabled={!body} data-testid="session-save">
            {t('schedule.form.save')}
          </Button>
        </>
      }
    >
      <FormErrors form={form} />
      <Field label={t('schedule.form.kind')} name="kind">
        <Segmented<Kind>
          value={kind}
          onChange={setKind}
          options={[
            { value: 'sync_lesson', label: t('schedule.kind.sync_lesson') },
            { value: 'online_research', label: t('schedule.kind.online_research') },
          ]}
        />
      </Field>
      <Field label={t('schedule.form.title')} name="title" required error={form.of('title')}>
        <TextInput value={title} onChange={setTitle} data-testid="session-title" maxLength={120} />
      </Field>
      <Field label={t('schedule.form.topic')} name="topic" error={form.of('topic')}>
        <TextInput value={topic} onChange={setTopic} maxLength={500} />
      </Field>
      <FieldRow>
        <Field label={t('schedule.form.subject')} name="subjectCode" required={kind === 'sync_lesson'} error={form.of('subjectCode')}>
          <Select value={subjectCode} onChange={setSubjectCode} placeholder={t('common.choose')} options={(subjects ?? []).map((s) => ({ value: s.code, label: localName(locale, s) }))} data-testid="session-subject" />
        </Field>
        {kind === 'sync_lesson' && (
          <Field label={t('schedule.form.mode')} name="mode" error={form.of('mode')}>
            <Select value={mode} onChange={(v) => setMode(v as Mode)} options={(['interactive', 'dedicated', 'master'] as const).map((m) => ({ value: m, label: t(`schedule.mode.${m}`) }))} />
          </Field>
        )}
      </FieldRow>
      <FieldRow>
        <Field label={t('schedule.form.date')} name="startsAt" required error={form.of('startsAt')}>
          <DateInput value={date} onChange={setDate} data-testid="session-date" />
        </Field>
        <Field label={t('schedule.form.start')} required>
          <TextInput type="time" value={start} onChange={setStart} step={300} data-testid="session-start" />
        </Field>
        <Field label={t('schedule.form.end')} name="endsAt" required error={form.of('endsAt')}>
          <TextInput type="time" value={end} onChange={setEnd} step={300} data-testid="session-end" />
        </Field>
      </FieldRow>
      <Field label={kind === 'sync_lesson' ? t('schedule.form.hostTeacher') : t('schedule.form.hostResearch')} name="hostTeacherId" required error={form.of('hostTeacherId')}>
        <Select
          value={hostTeacherId}
          onChange={setHostTeacherId}
          placeholder={t('common.choose')}
          disabled={!!ownTeacherId}
          options={teachers.filter((x) => (kind === 'sync_lesson' ? x.schoolRole === 'core' || x.id === hostTeacherId : true)).map(teacherOption)}
          data-testid="session-host"
        />
      </Field>
      {kind === 'sync_lesson' ? (
        <>
          <Field label={t('schedule.form.hostClassroom')} name="hostClassroomId" required error={form.of('hostClassroomId')}>
            <Select
              value={hostClassroomId}
              onChange={setHostClassroomId}
              placeholder={t('common.choose')}
              options={classrooms.filter((c) => !hostTeacher || c.schoolId === hostTeacher.schoolId || c.schoolRole === 'core').map(roomOption)}
              data-testid="session-host-classroom"
            />
          </Field>
          <Field label={t('schedule.form.memberClassrooms')} name="memberClassroomIds" required error={form.of('memberClassroomIds')}>
            <CheckboxGroup value={memberClassroomIds} onChange={setMemberClassroomIds} options={classrooms.filter((c) => c.schoolRole === 'member').map(roomOption)} errors={byValue(form.items('memberClassroomIds'), memberClassroomIds)} testId="session-member-classrooms" layout="grid" />
          </Field>
        </>
      ) : (
        <Field label={t('schedule.form.invitedTeachers')} name="invitedTeacherIds" required error={form.of('invitedTeacherIds')}>
          <CheckboxGroup value={invitedTeacherIds} onChange={setInvitedTeacherIds} options={teachers.filter((x) => x.id !== hostTeacherId).map(teacherOption)} errors={byValue(form.items('invitedTeacherIds'), invitedTeacherIds)} searchable testId="session-invited" />
        </Field>
      )}
      <Field label={t('schedule.form.repeat')} name="recurrence" error={form.of('recurrence')}>
        <Segmented<Repeat>
          value={repeat}
          onChange={setRepeat}
          options={[
            { value: 'none', label: t('schedule.form.repeat.none') },
            { value: 'until', label: t('schedule.form.repeat.until') },
            { value: 'count', label: t('schedule.form.repeat.count') },
          ]}
        />
      </Field>
      {repeat === 'until' && (
        <Field label={t('schedule.form.until')}>
          <DateInput value={until} onChange={setUntil} data-testid="session-until" />
        </Field>
      )}
      {repeat === 'count' && (
        <Field label={t('schedule.form.count')}>
          <TextInput type="number" min={1} max={100} value={count} onChange={setCount} data-testid="session-count" />
        </Field>
      )}

      <div className="sched-check" data-testid="session-check" aria-live="polite">
        {check.checking && <p className="muted">{t('schedule.form.checking')}</p>}
        {!check.checking && result && result.conflicts.length === 0 && result.calendarIssues.length === 0 && (
          <Alert tone="success" testId="session-check-ok">
            {t('schedule.form.noConflict')}
            {result.occurrences.length > 1 && ` · ${t('schedule.form.occurrences', { n: result.occurrences.length })}`}
            {result.skipped.length > 0 && ` · ${t('schedule.form.skipped', { n: result.skipped.length })}`}
          </Alert>
        )}
        {result && result.conflicts.length > 0 && (
          <Alert tone="danger" title={t('schedule.form.conflicts')} testId="session-check-conflicts">
            <ul className="sched-check-list">
              {result.conflicts.map((c, i) => (
                <li key={i}>{tServer(c.description)}</li>
              ))}
            </ul>
          </Alert>
        )}
        {result && result.calendarIssues.length > 0 && (
          <Alert tone="warning" title={t('schedule.form.calendarIssue')} testId="session-check-calendar">
            {result.calendarIssues.map((c) => tServer(c.description)).join(t('common.listSeparator'))}
          </Alert>
        )}
      </div>
      {canOverride && result && result.calendarIssues.length > 0 && (
        <Field label={t('schedule.form.override')} name="override" hint={t('schedule.form.overrideHint')} error={form.of('override')}>
          <TextInput value={overrideReason} onChange={setOverrideReason} maxLength={500} data-testid="session-override" />
        </Field>
      )}
    </Drawer>
  );
}

