import { useState } from 'react';
import { LiveRuleId, type EvidenceRule } from '../../../shared/schemas/live.ts';
import { api, call } from '../app/api.ts';
import { useQuery } from '../app/useQuery.ts';
import { isMessageKey, useT, type MessageKey } from '../i18n/index.ts';
import { Button, Card, DateInput, Field, FieldRow, FormErrors, PageHeader, Select, Table, TextInput, toast, useApiForm, type Column } from '../ui/index.ts';
import { ruleExplanation, typedDescription } from './ruleText.ts';
import { StandardsCard } from '../county/StandardsCard.tsx';
import { StRulesCard } from './StRulesCard.tsx';
import './live.css';

/**
 * `/live/rules` (admin, issue #6): the rules that decide whether a live session
 * counts — every version of every rule, and a form to add a version for a new
 * year (rule versions are append-only: a change is a new row from a date);
 * below them the S-T analysis thresholds and the county standards, versioned the same way.
 */
export function RulesPage() {
  const t = useT();
  const rules = useQuery(api.listEvidenceRules, {});
  const form = useApiForm(['ruleId', 'effectiveFrom', 'minShare', 'minCount', 'minSeconds', 'marginMinutes', 'description']);
  const [draft, setDraft] = useState({ ruleId: 'P-LESSON-CLASSROOM-PRESENT' as LiveRuleId, effectiveFrom: '', minShare: '0.6', minCount: '1', minSeconds: '300', marginMinutes: '10', description: '' });
  const ruleName = (id: string) => (isMessageKey(`live.rule.${id}`) ? t(`live.rule.${id}` as MessageKey) : id);

  const pick = (ruleId: LiveRuleId) => {
    // Start from the latest version of that rule.
    const latest = [...(rules.data ?? [])].filter((r) => r.ruleId === ruleId).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
    setDraft((d) => ({
      ...d,
      ruleId,
      ...(latest
        ? { minShare: String(latest.minShare), minCount: String(latest.minCount), minSeconds: String(latest.minSeconds), marginMinutes: String(latest.marginMinutes), description: typedDescription(latest.description) ?? '' }
        : {}),
    }));
  };

  const add = async () => {
    const body = {
      ruleId: draft.ruleId,
      effectiveFrom: draft.effectiveFrom,
      minShare: Number(draft.minShare),
      minCount: Number(draft.minCount),
      minSeconds: Number(draft.minSeconds),
      marginMinutes: Number(draft.marginMinutes),
      description: draft.description,
    };
    const res = await form.submit(() => call(api.addEvidenceRule, { body }));
    if (res?.ok) {
      toast.success(t('live.rules.added'));
      void rules.reload();
    }
  };

  const columns: Column<EvidenceRule>[] = [
    { key: 'rule', header: t('live.rules.rule'), wrap: true, render: (r) => <><code>{r.ruleId}</code><div className="muted">{ruleName(r.ruleId)}</div></> },
    { key: 'from', header: t('live.rules.effectiveFrom'), render: (r) => r.effectiveFrom },
    { key: 'share', header: t('live.rules.minShare'), align: 'right', render: (r) => r.minShare },
    { key: 'count', header: t('live.rules.minCount'), align: 'right', render: (r) => r.minCount },
    { key: 'seconds', header: t('live.rules.minSeconds'), align: 'right', render: (r) => r.minSeconds },
    { key: 'margin', header: t('live.rules.margin'), align: 'right', render: (r) => r.marginMinutes },
    {
      key: 'description',
      header: t('live.rules.descriptionField'),
      wrap: true,
      secondary: true,
      render: (r) => (
        <>
          {ruleExplanation(t, r)}
          {typedDescription(r.description) && <div className="muted">{r.description}</div>}
        </>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('live.rules.title')} description={t('live.rules.description')} />
      <Card flush>
        <Table columns={columns} rows={rules.data} rowKey={(r) => `${r.ruleId}@${r.effectiveFrom}`} testId="live-rules-table" />
      </Card>
      <Card title={t('live.rules.add')} testId="live-rules-form">
        <FormErrors form={form} />
        <FieldRow>
          <Field label={t('live.rules.rule')} name="ruleId" error={form.of('ruleId')}>
            <Select value={draft.ruleId} onChange={(v) => pick(v as LiveRuleId)} options={LiveRuleId.options.map((id) => ({ value: id, label: `${id} · ${ruleName(id)}` }))} />
          </Field>
          <Field label={t('live.rules.effectiveFrom')} name="effectiveFrom" error={form.of('effectiveFrom')}>
            <DateInput value={draft.effectiveFrom} onChange={(effectiveFrom) => setDraft({ ...draft, effectiveFrom })} />
          </Field>
        </FieldRow>
        <FieldRow>
          <Field label={t('live.rules.minShare')} name="minShare" error={form.of('minShare')}>
            <TextInput type="number" value={draft.minShare} onChange={(minShare) => setDraft({ ...draft, minShare })} />
          </Field>
          <Field label={t('live.rules.minCount')} name="minCount" error={form.of('minCount')}>
            <TextInput type="number" value={draft.minCount} onChange={(minCount) => setDraft({ ...draft, minCount })} />
          </Field>
          <Field label={t('live.rules.minSeconds')} name="minSeconds" error={form.of('minSeconds')}>
            <TextInput type="number" value={draft.minSeconds} onChange={(minSeconds) => setDraft({ ...draft, minSeconds })} />
          </Field>
          <Field label={t('live.rules.margin')} name="marginMinutes" error={form.of('marginMinutes')}>
            <TextInput type="number" value={draft.marginMinutes} onChange={(marginMinutes) => setDraft({ ...draft, marginMinutes })} />
          </Field>
        </FieldRow>
        <Field label={t('live.rules.descriptionField')} name="description" error={form.of('description')}>
          <TextInput value={draft.description} onChange={(description) => setDraft({ ...draft, description })} />
        </Field>
        <Button variant="primary" onClick={() => void add()} loading={form.submitting} disabled={!draft.effectiveFrom || !draft.description.trim()}>
          {t('live.rules.add')}
        </Button>
      </Card>
      <StRulesCard />
      <StandardsCard />
    </>
  );
}
