import { useEffect, useState, type FormEvent } from 'react';
import type { School } from '../../../shared/schemas/places.ts';
import { api, call } from '../app/api.ts';
import { useCounties } from '../app/reference.ts';
import { navigate } from '../app/router.tsx';
import { useT } from '../i18n/index.ts';
import { Button, Drawer, Field, FormErrors, Select, toast, useApiForm } from '../ui/index.ts';
import { schoolBody, SchoolFields, schoolFieldNames, type SchoolDraft } from './SchoolFields.tsx';

/** Creates a school (no `school`) or edits one. */
export function SchoolDrawer({ school, onClose, onSaved }: { school?: School; onClose(): void; onSaved(s: School): void }) {
  const t = useT();
  const counties = useCounties();
  const form = useApiForm(['countyId', ...schoolFieldNames]);
  const [countyId, setCountyId] = useState(school?.countyId ?? '');
  const [draft, setDraft] = useState<SchoolDraft>(
    school ? { name: school.name, stage: school.stage, locality: school.locality, newResident: school.newResident } : { name: '', stage: 'primary', locality: 'rural', newResident: false },
  );

  useEffect(() => {
    if (!countyId && counties?.length === 1) setCountyId(counties[0]!.id);
  }, [counties, countyId]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await form.submit(() =>
      school ? call(api.updateSchool, { params: { id: school.id }, body: schoolBody(draft) }) : call(api.createSchool, { body: { countyId, ...schoolBody(draft) } }),
    );
    if (res?.ok) {
      toast.success(school ? t('common.saved') : t('school.createdToast', { name: res.data.name }));
      onSaved(res.data);
      onClose();
      if (!school) navigate(`/schools/${res.data.id}`);
    }
  }

  return (
    <Drawer
      open
      onClose={onClose}
      title={school ? t('school.editTitle') : t('school.create')}
      subtitle={school?.name}
      testId="school-drawer"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" form="school-form" variant="primary" loading={form.submitting} data-testid="save">
            {school ? t('common.save') : t('common.create')}
          </Button>
        </>
      }
    >
      <form id="school-form" className="form" onSubmit={submit} noValidate>
        <FormErrors form={form} />
        {!school && (
          <Field label={t('school.county')} name="countyId" required error={form.of('countyId')}>
            <Select value={countyId} onChange={(v) => (setCountyId(v), form.clear('countyId'))} placeholder={t('common.choose')} options={(counties ?? []).map((c) => ({ value: c.id, label: `${c.name}（${c.city}）` }))} />
          </Field>
        )}
        <SchoolFields value={draft} onChange={setDraft} form={form} />
        {!school && <p className="form-note">{t('school.createNote')}</p>}
      </form>
    </Drawer>
  );
}
