import { useEffect, useState } from 'react';
import type { OfflineResearch } from '../../../shared/schemas/schedule.ts';
import { api, call } from '../app/api.ts';
import { todayIso } from '../app/format.ts';
import { usePermissions } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Badge, Button, Card, CheckboxGroup, DateInput, Drawer, EmptyState, Field, FormErrors, PageHeader, Select, Table, TextArea, TextInput, toast, useApiForm } from '../ui/index.ts';
import { useSchedule } from './store.ts';
import './schedule.css';

const tone = { planned: 'orange', confirmed: 'green', cancelled: 'gray' } as const;

/** Offline teaching research: record, attach evidence, confirm. */
export function OfflineResearchPage() {
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
  const list = useQuery(api.listOfflineResearch, communityId ? { query: { communityId } } : null);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<OfflineResearch | null>(null);
  const directory = directories[communityId];

  return (
    <>
      <PageHeader
        title={t('offline.title')}
        description={t('offline.description')}
        actions={perms.manageCommunities && <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="offline-new">{t('offline.new')}</Button>}
      />
      <Card flush>
        <div className="toolbar">
          <Select className="toolbar-select" value={communityId} onChange={(id) => set({ communityId: id })} options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))} aria-label={t('schedule.community')} />
        </div>
        <Table
          rows={list.data}
          loading={list.loading}
          rowKey={(r) => r.id}
          empty={<EmptyState title={t('offline.empty')} compact />}
          columns={[
            { key: 'date', header: t('offline.heldOn'), render: (r) => r.heldOn, width: '120px' },
            { key: 'title', header: t('schedule.form.title'), wrap: true, render: (r) => <button type="button" className="cell-link link-button" onClick={() => setOpen(r)}>{r.title}</button> },
            { key: 'host', header: t('offline.hostSchool'), render: (r) => r.hostSchool.name },
            { key: 'place', header: t('offline.place'), secondary: true, render: (r) => r.place },
            { key: 'status', header: t('schedule.detail.status'), render: (r) => <Badge tone={tone[r.status]}>{t(`offline.status.${r.status}`)}</Badge> },
          ]}
        />
      </Card>
      {creating && directory && <CreateDrawer communityId={communityId} directory={directory} onClose={() => setCreating(false)} onSaved={() => void list.reload()} />}
      {open && <DetailDrawer record={open} manage={perms.manageCommunities} onClose={() => setOpen(null)} onChanged={(r) => { setOpen(r); void list.reload(); }} />}
    </>
  );
}

function CreateDrawer({ communityId, directory, onClose, onSaved }: { communityId: string; directory: NonNullable<ReturnType<typeof useSchedule.getState>['directories'][string]>; onClose(): void; onSaved(): void }) {
  const t = useT();
  const form = useApiForm(['title', 'heldOn', 'place', 'hostSchoolId', 'schoolIds', 'teacherIds', 'minutes']);
  const [title, setTitle] = useState('');
  const [heldOn, setHeldOn] = useState(todayIso());
  const [place, setPlace] = useState('');
  const [hostSchoolId, setHostSchoolId] = useState(directory.schools[0]?.id ?? '');
  const [schoolIds, setSchoolIds] = useState<string[]>([]);
  const [teacherIds, setTeacherIds] = useState<string[]>([]);
  const [minutes, setMinutes] = useState('');
  const save = async () => {
    const res = await form.submit(() => call(api.createOfflineResearch, { body: { communityId, title, heldOn, place, hostSchoolId, schoolIds, teacherIds, minutes } }));
    if (res?.ok) {
      toast.success(t('common.saved'));
      onSaved();
      onClose();
    }
  };
  return (
    <Drawer open onClose={onClose} title={t('offline.new')} footer={<><Button onClick={onClose}>{t('common.cancel')}</Button><Button variant="primary" onClick={() => void save()} loading={form.submitting}>{t('common.save')}</Button></>}>
      <FormErrors form={form} />
      <Field label={t('schedule.form.title')} name="title" required error={form.of('title')}><TextInput value={title} onChange={setTitle} /></Field>
      <Field label={t('offline.heldOn')} name="heldOn" required error={form.of('heldOn')}><DateInput value={heldOn} onChange={setHeldOn} /></Field>
      <Field label={t('offline.place')} name="place" required error={form.of('place')}><TextInput value={place} onChange={setPlace} /></Field>
      <Field label={t('offline.hostSchool')} name="hostSchoolId" required error={form.of('hostSchoolId')}>
        <Select value={hostSchoolId} onChange={setHostSchoolId} options={directory.schools.map((s) => ({ value: s.id, label: s.name }))} />
      </Field>
      <Field label={t('offline.schools')} name="schoolIds" error={form.of('schoolIds')}>
        <CheckboxGroup value={schoolIds} onChange={setSchoolIds} options={directory.schools.map((s) => ({ value: s.id, label: s.name }))} />
      </Field>
      <Field label={t('offline.teachers')} name="teacherIds" error={form.of('teacherIds')}>
        <CheckboxGroup value={teacherIds} onChange={setTeacherIds} searchable options={directory.teachers.map((x) => ({ value: x.id, label: `${x.name}（${x.schoolName}）` }))} />
      </Field>
      <Field label={t('offline.minutes')} name="minutes" error={form.of('minutes')}><TextArea value={minutes} onChange={setMinutes} rows={5} /></Field>
    </Drawer>
  );
}

function DetailDrawer({ record, manage, onClose, onChanged }: { record: OfflineResearch; manage: boolean; onClose(): void; onChanged(r: OfflineResearch): void }) {
  const t = useT();
  const form = useApiForm(['file', 'minutes']);
  const [minutes, setMinutes] = useState(record.minutes);
  const upload = async (file: File) => {
    const res = await form.submit(() => call(api.uploadOfflineAttachment, { params: { id: record.id }, file }));
    if (res?.ok) onChanged({ ...record, attachments: [...record.attachments, res.data] });
  };
  const saveMinutes = async () => {
    const res = await form.submit(() => call(api.updateOfflineResearch, { params: { id: record.id }, body: { minutes } }));
    if (res?.ok) onChanged(res.data);
  };
  const confirm = async () => {
    const res = await form.submit(() => call(api.confirmOfflineResearch, { params: { id: record.id } }));
    if (res?.ok) {
      toast.success(t('offline.status.confirmed'));
      onChanged(res.data);
    }
  };
  const planned = record.status === 'planned';
  return (
    <Drawer open onClose={onClose} title={record.title} subtitle={`${record.heldOn} · ${record.hostSchool.name} · ${record.place}`}>
      <FormErrors form={form} />
      <p>
        <Badge tone={tone[record.status]}>{t(`offline.status.${record.status}`)}</Badge> {record.confirmedBy ? `${record.confirmedBy} ${record.confirmedAt?.slice(0, 10)}` : ''}
      </p>
      <p className="muted">{record.schools.map((s) => s.name).join('、')}</p>
      <p className="muted">{record.teachers.map((x) => x.name).join('、')}</p>
      <Field label={t('offline.minutes')} name="minutes" error={form.of('minutes')}>
        <TextArea value={minutes} onChange={setMinutes} rows={6} disabled={!manage || !planned} />
      </Field>
      {manage && planned && <Button size="sm" onClick={() => void saveMinutes()}>{t('common.save')}</Button>}
      <h3>{t('offline.attachments')}</h3>
      <ul className="sched-attachments">
        {record.attachments.map((a) => (
          <li key={a.id}>
            <a href={`/api/offline-research/${record.id}/attachments/${a.id}`} target="_blank" rel="noreferrer">{a.fileName}</a> <span className="muted">{Math.ceil(a.sizeBytes / 1024)} KB</span>
          </li>
        ))}
      </ul>
      {manage && record.status !== 'cancelled' && (
        <Field label={t('offline.upload')} name="file" error={form.of('file')}>
          <input type="file" className="input" accept="image/jpeg,image/png,image/webp,application/pdf" onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])} />
        </Field>
      )}
      {manage && planned && (
        <Button variant="primary" onClick={() => void confirm()} loading={form.submitting}>
          {t('offline.confirm')}
        </Button>
      )}
    </Drawer>
  );
}
