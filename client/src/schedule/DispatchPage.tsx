import { useEffect, useState } from 'react';
import { api, call } from '../app/api.ts';
import { todayIso } from '../app/format.ts';
import { usePermissions } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Button, Card, DateInput, Drawer, EmptyState, Field, FieldRow, FormErrors, PageHeader, Select, Table, TextInput, toast, useApiForm } from '../ui/index.ts';
import { addDays } from '../../../shared/schedule/time.ts';
import { useSchedule } from './store.ts';
import './schedule.css';

/** Backbone teachers of the core school dispatched to member schools. */
export function DispatchPage() {
  const t = useT();
  const perms = usePermissions();
  const communities = useQuery(api.listCommunities, {});
  const { communityId, set, directories, loadDirectory } = useSchedule();
  useEffect(() => {
    if (!communityId && communities.data?.[0]) set({ communityId: communities.data[0].id });
  }, [communities.data, communityId, set]);
  useEffect(() => {
    if (communityId) void loadDirectory(communityId);
  }, [communityId, loadDirectory]);
  const list = useQuery(api.listDispatches, communityId ? { query: { communityId } } : null);
  const [creating, setCreating] = useState(false);
  const directory = directories[communityId];
  const remove = async (id: string) => {
    const res = await call(api.deleteDispatch, { params: { id } });
    if (res.ok) void list.reload();
  };

  return (
    <>
      <PageHeader title={t('dispatch.title')} description={t('dispatch.description')} actions={perms.manageCommunities && <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>{t('dispatch.new')}</Button>} />
      <Card flush>
        <div className="toolbar">
          <Select className="toolbar-select" value={communityId} onChange={(id) => set({ communityId: id })} options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))} aria-label={t('schedule.community')} />
        </div>
        <Table
          rows={list.data}
          loading={list.loading}
          rowKey={(d) => d.id}
          empty={<EmptyState title={t('dispatch.empty')} compact />}
          columns={[
            { key: 'teacher', header: t('dispatch.teacher'), render: (d) => `${d.teacher.name}（${d.teacher.schoolName}）` },
            { key: 'school', header: t('dispatch.school'), render: (d) => d.school.name },
            { key: 'period', header: t('dispatch.period'), render: (d) => `${d.startsOn} – ${d.endsOn}` },
            { key: 'hours', header: t('dispatch.hours'), align: 'right', render: (d) => d.hoursPerWeek ?? '—' },
            { key: 'note', header: t('dispatch.note'), secondary: true, wrap: true, render: (d) => d.note },
            ...(perms.manageCommunities ? [{ key: 'del', header: '', align: 'right' as const, render: (d: { id: string }) => <Button size="sm" variant="ghost" onClick={() => void remove(d.id)}>{t('dispatch.delete')}</Button> }] : []),
          ]}
        />
      </Card>
      {creating && directory && <CreateDispatch communityId={communityId} directory={directory} onClose={() => setCreating(false)} onSaved={() => void list.reload()} />}
    </>
  );
}

function CreateDispatch({ communityId, directory, onClose, onSaved }: { communityId: string; directory: NonNullable<ReturnType<typeof useSchedule.getState>['directories'][string]>; onClose(): void; onSaved(): void }) {
  const t = useT();
  const form = useApiForm(['teacherId', 'schoolId', 'startsOn', 'endsOn', 'hoursPerWeek', 'note']);
  const backbone = directory.teachers.filter((x) => x.schoolRole === 'core' && x.isBackbone);
  const [teacherId, setTeacherId] = useState(backbone[0]?.id ?? '');
  const [schoolId, setSchoolId] = useState(directory.schools.find((s) => s.role === 'member')?.id ?? '');
  const [startsOn, setStartsOn] = useState(todayIso());
  const [endsOn, setEndsOn] = useState(addDays(todayIso(), 120));
  const [hours, setHours] = useState('');
  const [note, setNote] = useState('');
  const save = async () => {
    const res = await form.submit(() => call(api.createDispatch, { body: { communityId, teacherId, schoolId, startsOn, endsOn, hoursPerWeek: hours ? Number(hours) : null, note } }));
    if (res?.ok) {
      toast.success(t('common.saved'));
      onSaved();
      onClose();
    }
  };
  return (
    <Drawer open onClose={onClose} title={t('dispatch.new')} footer={<><Button onClick={onClose}>{t('common.cancel')}</Button><Button variant="primary" onClick={() => void save()} loading={form.submitting}>{t('common.save')}</Button></>}>
      <FormErrors form={form} />
      <Field label={t('dispatch.teacher')} name="teacherId" required error={form.of('teacherId')}>
        <Select value={teacherId} onChange={setTeacherId} options={backbone.map((x) => ({ value: x.id, label: `${x.name}（${x.schoolName}）` }))} />
      </Field>
      <Field label={t('dispatch.school')} name="schoolId" required error={form.of('schoolId')}>
        <Select value={schoolId} onChange={setSchoolId} options={directory.schools.filter((s) => s.role === 'member').map((s) => ({ value: s.id, label: s.name }))} />
      </Field>
      <FieldRow>
        <Field label={t('dispatch.startsOn')} name="startsOn" required error={form.of('startsOn')}><DateInput value={startsOn} onChange={setStartsOn} /></Field>
        <Field label={t('dispatch.endsOn')} name="endsOn" required error={form.of('endsOn')}><DateInput value={endsOn} onChange={setEndsOn} /></Field>
      </FieldRow>
      <Field label={t('dispatch.hours')} name="hoursPerWeek" error={form.of('hoursPerWeek')}><TextInput type="number" min={0.5} max={40} step={0.5} value={hours} onChange={setHours} /></Field>
      <Field label={t('dispatch.note')} name="note" error={form.of('note')}><TextInput value={note} onChange={setNote} /></Field>
    </Drawer>
  );
}
