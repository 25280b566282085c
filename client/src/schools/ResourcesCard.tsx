import { useState, type FormEvent } from 'react';
import type { SchoolResources } from '../../../shared/schemas/county.ts';
import { api, call } from '../app/api.ts';
import { academicYearOf } from '../app/format.ts';
import { useMe } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT, type MessageKey } from '../i18n/index.ts';
import { Button, Card, DescriptionList, Drawer, Field, FormErrors, TextInput, toast, useApiForm } from '../ui/index.ts';

type FigureKey = Exclude<keyof SchoolResources, 'schoolId' | 'academicYear'>;
/** The figures the county enters for the balance assessment (amounts, not ratios), and which are whole numbers. */
const FIGURES: { key: FigureKey; whole: boolean }[] = [
  { key: 'pupils', whole: true },
  { key: 'teachersAboveQualification', whole: true },
  { key: 'backboneTeachers', whole: true },
  { key: 'peArtsTeachers', whole: true },
  { key: 'teachingFloorArea', whole: false },
  { key: 'sportsGroundArea', whole: false },
  { key: 'equipmentValue', whole: false },
  { key: 'multimediaClassrooms', whole: true },
];

/**
 * A school's resource figures for the balance assessment (差异系数), this academic year:
 * administrators and the county's auditors read them; administrators enter them. A figure
 * left empty is "not entered": the platform's own count is used where it has one.
 */
export function ResourcesCard({ schoolId }: { schoolId: string }) {
  const t = useT();
  const me = useMe();
  const year = academicYearOf().label;
  const figures = useQuery(api.getSchoolResources, { params: { schoolId, academicYear: year } });
  const [editing, setEditing] = useState(false);
  const shown = (v: number | null) => (v === null ? <span className="muted">{t('resources.notEntered')}</span> : <span className="num">{v}</span>);
  if (!figures.data) return null;
  const data = figures.data;
  return (
    <Card
      title={t('resources.title', { year })}
      subtitle={t('resources.subtitle')}
      testId="school-resources"
      actions={me.account.role === 'admin' && <Button size="sm" icon="edit" onClick={() => setEditing(true)} data-testid="edit-resources">{t('common.edit')}</Button>}
    >
      <DescriptionList items={FIGURES.map((f) => ({ label: t(`resources.${f.key}` as MessageKey), value: shown(data[f.key]) }))} />
      {editing && <ResourcesDrawer figures={data} onClose={() => setEditing(false)} onSaved={(saved) => figures.setData(saved)} />}
    </Card>
  );
}

function ResourcesDrawer({ figures, onClose, onSaved }: { figures: SchoolResources; onClose(): void; onSaved(saved: SchoolResources): void }) {
  const t = useT();
  const form = useApiForm(FIGURES.map((f) => f.key));
  const [values, setValues] = useState<Record<FigureKey, string>>(() => Object.fromEntries(FIGURES.map((f) => [f.key, figures[f.key] === null ? '' : String(figures[f.key])])) as Record<FigureKey, string>);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = Object.fromEntries(FIGURES.map((f) => [f.key, values[f.key].trim() === '' ? null : Number(values[f.key])])) as Record<FigureKey, number | null>;
    const res = await form.submit(() => call(api.putSchoolResources, { params: { schoolId: figures.schoolId, academicYear: figures.academicYear }, body }));
    if (res?.ok) {
      toast.success(t('common.saved'));
      onSaved(res.data);
      onClose();
    }
  }

  return (
    <Drawer
      open
      onClose={onClose}
      title={t('resources.editTitle', { year: figures.academicYear })}
      testId="resources-drawer"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" form="resources-form" variant="primary" loading={form.submitting} data-testid="save-resources">
            {t('common.save')}
          </Button>
        </>
      }
    >
      <form id="resources-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormErrors form={form} />
        <p className="form-note">{t('resources.emptyHint')}</p>
        {FIGURES.map((f) => (
          <Field key={f.key} label={t(`resources.${f.key}` as MessageKey)} name={f.key} error={form.of(f.key)}>
            <TextInput
              type="number"
              inputMode={f.whole ? 'numeric' : 'decimal'}
              min={0}
              step={f.whole ? 1 : 0.01}
              value={values[f.key]}
              onChange={(v) => (setValues((s) => ({ ...s, [f.key]: v })), form.clear(f.key))}
              className="input--short"
              data-testid={`resources-${f.key}`}
            />
          </Field>
        ))}
      </form>
    </Drawer>
  );
}
