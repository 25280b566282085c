import { useState } from 'react';
import type { StRules } from '../../../shared/schemas/live.ts';
import { api, call } from '../app/api.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT } from '../i18n/index.ts';
import { Button, Card, DateInput, Field, FieldRow, FormErrors, Table, TextInput, toast, useApiForm, type Column } from '../ui/index.ts';

/**
 * The S-T analysis thresholds on the admin's rules page (ST-SAMPLE-30S,
 * ST-TYPE-THRESHOLDS): every version, and a form for a new version from a date
 * (versions are append-only; a lesson uses the one in force on its date).
 */
export function StRulesCard() {
  const t = useT();
  const versions = useQuery(api.listStRules, {});
  const form = useApiForm(['effectiveFrom', 'sampleSeconds', 'practiceMaxRt', 'lectureMinRt', 'dialogueMinCh', 'description']);
  const [draft, setDraft] = useState({ effectiveFrom: '', sampleSeconds: '30', practiceMaxRt: '0.3', lectureMinRt: '0.7', dialogueMinCh: '0.4', description: '' });
  const set = (k: keyof typeof draft) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));

  const add = async () => {
    const body = {
      effectiveFrom: draft.effectiveFrom,
      sampleSeconds: Number(draft.sampleSeconds),
      practiceMaxRt: Number(draft.practiceMaxRt),
      lectureMinRt: Number(draft.lectureMinRt),
      dialogueMinCh: Number(draft.dialogueMinCh),
      description: draft.description,
    };
    const res = await form.submit(() => call(api.addStRules, { body }));
    if (res?.ok) {
      toast.success(t('live.rules.added'));
      void versions.reload();
    }
  };

  const columns: Column<StRules>[] = [
    { key: 'from', header: t('live.rules.effectiveFrom'), render: (r) => r.effectiveFrom },
    { key: 'sample', header: t('live.st.rules.sampleSeconds'), align: 'right', render: (r) => r.sampleSeconds },
    { key: 'practice', header: t('live.st.rules.practiceMaxRt'), align: 'right', render: (r) => r.practiceMaxRt },
    { key: 'lecture', header: t('live.st.rules.lectureMinRt'), align: 'right', render: (r) => r.lectureMinRt },
    { key: 'dialogue', header: t('live.st.rules.dialogueMinCh'), align: 'right', render: (r) => r.dialogueMinCh },
  ];

  return (
    <Card title={t('live.st.rules.title')} subtitle={t('live.st.rules.description')} testId="live-st-rules">
      <Table columns={columns} rows={versions.data} rowKey={(r) => r.effectiveFrom} testId="live-st-rules-table" />
      <FormErrors form={form} />
      <FieldRow>
        <Field label={t('live.rules.effectiveFrom')} name="effectiveFrom" error={form.of('effectiveFrom')}>
          <DateInput value={draft.effectiveFrom} onChange={set('effectiveFrom')} />
        </Field>
        <Field label={t('live.st.rules.sampleSeconds')} name="sampleSeconds" error={form.of('sampleSeconds')}>
          <TextInput type="number" value={draft.sampleSeconds} onChange={set('sampleSeconds')} />
        </Field>
        <Field label={t('live.st.rules.practiceMaxRt')} name="practiceMaxRt" error={form.of('practiceMaxRt')}>
          <TextInput type="number" value={draft.practiceMaxRt} onChange={set('practiceMaxRt')} />
        </Field>
        <Field label={t('live.st.rules.lectureMinRt')} name="lectureMinRt" error={form.of('lectureMinRt')}>
          <TextInput type="number" value={draft.lectureMinRt} onChange={set('lectureMinRt')} />
        </Field>
        <Field label={t('live.st.rules.dialogueMinCh')} name="dialogueMinCh" error={form.of('dialogueMinCh')}>
          <TextInput type="number" value={draft.dialogueMinCh} onChange={set('dialogueMinCh')} />
        </Field>
      </FieldRow>
      <Field label={t('live.rules.descriptionField')} name="description" error={form.of('description')}>
        <TextInput value={draft.description} onChange={set('description')} />
      </Field>
      <Button variant="primary" onClick={() => void add()} loading={form.submitting} disabled={!draft.effectiveFrom || !draft.description.trim()} data-testid="live-st-rules-add">
        {t('live.rules.add')}
      </Button>
    </Card>
  );
}
