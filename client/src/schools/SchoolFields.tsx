import type { School } from '../../../shared/schemas/places.ts';
import { useT } from '../i18n/index.ts';
import { Checkbox, Field, FieldRow, Select, TextInput, type ApiForm } from '../ui/index.ts';

export interface SchoolDraft {
  name: string;
  stage: School['stage'] | '';
  locality: School['locality'] | '';
  newResident: boolean;
}

export const emptySchool: SchoolDraft = { name: '', stage: 'primary', locality: 'rural', newResident: false };

export const schoolFieldNames = ['name', 'stage', 'locality', 'newResident', 'timeZone'] as const;

/** Name, stage, urban/rural and the 新居民子女学校 flag: shared by the school form and "add a new member school". */
export function SchoolFields({ value, onChange, form }: { value: SchoolDraft; onChange(v: SchoolDraft): void; form: ApiForm }) {
  const t = useT();
  const set = <K extends keyof SchoolDraft>(k: K, v: SchoolDraft[K]) => {
    onChange({ ...value, [k]: v });
    form.clear(k);
  };
  return (
    <>
      <Field label={t('school.name')} name="name" required error={form.of('name')}>
        <TextInput value={value.name} onChange={(v) => set('name', v)} maxLength={120} placeholder={t('school.namePlaceholder')} data-testid="school-name" />
      </Field>
      <FieldRow>
        <Field label={t('school.stage')} name="stage" required error={form.of('stage')}>
          <Select
            value={value.stage}
            onChange={(v) => set('stage', v as SchoolDraft['stage'])}
            options={(['primary', 'junior_middle', 'nine_year'] as const).map((s) => ({ value: s, label: t(`school.stage.${s}`) }))}
          />
        </Field>
        <Field label={t('school.locality')} name="locality" required error={form.of('locality')}>
          <Select
            value={value.locality}
            onChange={(v) => set('locality', v as SchoolDraft['locality'])}
            options={(['urban', 'rural'] as const).map((s) => ({ value: s, label: t(`school.locality.${s}`) }))}
          />
        </Field>
      </FieldRow>
      <Field name="newResident" error={form.of('newResident')}>
        <Checkbox checked={value.newResident} onChange={(v) => set('newResident', v)} label={t('school.newResident')} description={t('school.newResidentHint')} />
      </Field>
    </>
  );
}

/** The draft as the API wants it (an empty select is sent as is, so the server names the field). */
export const schoolBody = (d: SchoolDraft) => ({
  name: d.name,
  stage: d.stage as School['stage'],
  locality: d.locality as School['locality'],
  newResident: d.newResident,
});
