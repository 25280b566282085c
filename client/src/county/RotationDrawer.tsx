import { useState, type FormEvent } from 'react';
import { api, call } from '../app/api.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Button, DateInput, Drawer, Field, FieldRow, FormErrors, Select, toast, useApiForm } from '../ui/index.ts';

/**
 * Records a teacher serving at another school of the county for a term or a year (交流轮岗),
 * which R-ROTATION-SHARE counts (administrators; the server checks the county and the dates).
 */
export function RotationDrawer({ countyId, onClose, onSaved }: { countyId: string; onClose(): void; onSaved(): void }) {
  const t = useT();
  const form = useApiForm(['teacherId', 'toSchoolId', 'startsOn', 'endsOn']);
  const schools = useQuery(api.listSchools, {});
  const inCounty = (schools.data ?? []).filter((s) => s.countyId === countyId);
  const [fromSchoolId, setFrom] = useState('');
  const [teacherId, setTeacher] = useState('');
  const [toSchoolId, setTo] = useState('');
  const [startsOn, setStarts] = useState('');
  const [endsOn, setEnds] = useState('');
  const teachers = useQuery(api.listTeachers, fromSchoolId ? { params: { schoolId: fromSchoolId } } : null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await form.submit(() => call(api.createTeacherRotation, { body: { teacherId, toSchoolId, startsOn, endsOn } }));
    if (res?.ok) {
      toast.success(t('county.rotation.recorded'));
      onSaved();
      onClose();
    }
  }

  const schoolOptions = inCounty.map((s) => ({ value: s.id, label: s.name }));
  return (
    <Drawer
      open
      onClose={onClose}
      title={t('county.rotation.record')}
      testId="rotation-drawer"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" form="rotation-form" variant="primary" loading={form.submitting} data-testid="save-rotation">
            {t('common.save')}
          </Button>
        </>
      }
    >
      <form id="rotation-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormErrors form={form} />
        <Field label={t('county.rotation.fromSchool')} name="fromSchoolId">
          <Select value={fromSchoolId} onChange={(v) => (setFrom(v), setTeacher(''))} placeholder={t('common.choose')} options={schoolOptions} data-testid="rotation-from" />
        </Field>
        <Field label={t('county.rotation.teacher')} name="teacherId" required error={form.of('teacherId')}>
          <Select value={teacherId} onChange={(v) => (setTeacher(v), form.clear('teacherId'))} placeholder={t('common.choose')} options={(teachers.data ?? []).map((x) => ({ value: x.id, label: x.name }))} data-testid="rotation-teacher" />
        </Field>
        <Field label={t('county.rotation.toSchool')} name="toSchoolId" required error={form.of('toSchoolId')}>
          <Select value={toSchoolId} onChange={(v) => (setTo(v), form.clear('toSchoolId'))} placeholder={t('common.choose')} options={schoolOptions.filter((o) => o.value !== fromSchoolId)} data-testid="rotation-to" />
        </Field>
        <FieldRow>
          <Field label={t('county.rotation.startsOn')} name="startsOn" required error={form.of('startsOn')}>
            <DateInput value={startsOn} onChange={(v) => (setStarts(v), form.clear('startsOn'))} data-testid="rotation-starts" />
          </Field>
          <Field label={t('county.rotation.endsOn')} name="endsOn" required error={form.of('endsOn')}>
            <DateInput value={endsOn} onChange={(v) => (setEnds(v), form.clear('endsOn'))} min={startsOn || undefined} data-testid="rotation-ends" />
          </Field>
        </FieldRow>
      </form>
    </Drawer>
  );
}
