import { useEffect, useState } from 'react';
import { ASSESSED_STAGES, INDICATOR_CODES } from '../../../shared/county/standards.ts';
import type { CountyStandard } from '../../../shared/schemas/county.ts';
import { api, call } from '../app/api.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT, type MessageKey } from '../i18n/index.ts';
import { Button, Card, DateInput, Field, FieldRow, FormErrors, Select, Table, TextInput, toast, useApiForm, type Column } from '../ui/index.ts';

type Kind = CountyStandard['kind'];
/** The form's numbers, by their path under `values` (`standards.qualifiedTeachers.primary`, `minShare`…). */
type Numbers = Record<string, string>;

const BALANCE_PATHS = [
  ...INDICATOR_CODES.flatMap((c) => ASSESSED_STAGES.map((s) => `standards.${c}.${s}`)),
  ...ASSESSED_STAGES.map((s) => `cvThreshold.${s}`),
  'schoolRule.atLeast',
  'schoolRule.floorShare',
];
const ROTATION_PATHS = ['minShare', 'minBackboneShare', 'dispatchMinDays'];

/** Flattens a version's values to the form's numbers, and back. */
function flatten(v: object, prefix = ''): Numbers {
  return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (typeof x === 'object' && x !== null ? Object.entries(flatten(x as object, `${prefix}${k}.`)) : [[`${prefix}${k}`, String(x)]])));
}
function nest(numbers: Numbers, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    const keys = p.split('.');
    let at = out;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    at[keys.at(-1)!] = Number(numbers[p]);
  }
  return out;
}

/**
 * The county standards on the admin's rules page (C-STANDARD-VERSIONS): every version of the
 * balance standard values and thresholds and of the rotation thresholds, and a form for a new
 * version from a date, starting from the latest of its kind (versions are append-only; a year is
 * judged by the version in force on its first day).
 */
export function StandardsCard() {
  const t = useT();
  const versions = useQuery(api.listCountyStandards, {});
  const form = useApiForm(['id', 'effectiveFrom', 'title', ...[...BALANCE_PATHS, ...ROTATION_PATHS].map((p) => `values.${p}`)]);
  const [kind, setKind] = useState<Kind>('balance');
  const [head, setHead] = useState({ id: '', effectiveFrom: '', title: '' });
  const [numbers, setNumbers] = useState<Numbers>({});

  const latest = (k: Kind) => (versions.data ?? []).filter((v) => v.kind === k).at(-1);
  useEffect(() => {
    const v = latest(kind);
    if (v) setNumbers(flatten(v.values));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, versions.data]);

  const add = async () => {
    const values = nest(numbers, kind === 'balance' ? BALANCE_PATHS : ROTATION_PATHS);
    const body = { kind, ...head, values } as CountyStandard;
    const res = await form.submit(() => call(api.addCountyStandard, { body }));
    if (res?.ok) {
      toast.success(t('county.standards.added'));
      setHead({ id: '', effectiveFrom: '', title: '' });
      void versions.reload();
    }
  };

  const summary = (v: CountyStandard) =>
    v.kind === 'balance'
      ? t('county.standards.balanceSummary', { primary: v.values.cvThreshold.primary, junior: v.values.cvThreshold.junior_middle, atLeast: v.values.schoolRule.atLeast, floor: Math.round(v.values.schoolRule.floorShare * 100) })
      : t('county.standards.rotationSummary', { share: Math.round(v.values.minShare * 100), backbone: Math.round(v.values.minBackboneShare * 100), days: v.values.dispatchMinDays });
  const columns: Column<CountyStandard>[] = [
    { key: 'kind', header: t('county.standards.kind'), render: (v) => t(`county.standards.kind.${v.kind}`) },
    { key: 'id', header: t('county.standards.id'), render: (v) => v.id },
    { key: 'from', header: t('county.standards.effectiveFrom'), render: (v) => v.effectiveFrom },
    { key: 'title', header: t('county.standards.titleField'), wrap: true, render: (v) => v.title },
    { key: 'values', header: t('county.standards.values'), wrap: true, render: summary },
  ];
  const number = (path: string, label: string) => (
    <Field key={path} label={label} name={path} error={form.of(`values.${path}`)}>
      <TextInput type="number" value={numbers[path] ?? ''} onChange={(x) => setNumbers((n) => ({ ...n, [path]: x }))} data-testid={`county-standards-${path}`} />
    </Field>
  );

  return (
    <Card title={t('county.standards.title')} subtitle={t('county.standards.description')} testId="county-standards">
      <Table columns={columns} rows={versions.data} rowKey={(v) => v.id} testId="county-standards-table" />
      <FormErrors form={form} />
      <FieldRow>
        <Field label={t('county.standards.kind')} name="kind">
          <Select value={kind} onChange={(k) => setKind(k as Kind)} options={(['balance', 'rotation'] as const).map((k) => ({ value: k, label: t(`county.standards.kind.${k}`) }))} />
        </Field>
        <Field label={t('county.standards.id')} name="id" error={form.of('id')}>
          <TextInput value={head.id} onChange={(id) => setHead((h) => ({ ...h, id }))} placeholder={kind === 'balance' ? 'B-STD-2027' : 'R-STD-2027'} data-testid="county-standards-id" />
        </Field>
        <Field label={t('county.standards.effectiveFrom')} name="effectiveFrom" error={form.of('effectiveFrom')}>
          <DateInput value={head.effectiveFrom} onChange={(effectiveFrom) => setHead((h) => ({ ...h, effectiveFrom }))} data-testid="county-standards-from" />
        </Field>
      </FieldRow>
      <Field label={t('county.standards.titleField')} name="title" error={form.of('title')}>
        <TextInput value={head.title} onChange={(title) => setHead((h) => ({ ...h, title }))} data-testid="county-standards-title" />
      </Field>
      {kind === 'balance' ? (
        <>
          {INDICATOR_CODES.map((c) => (
            <FieldRow key={c}>
              {ASSESSED_STAGES.map((s) => number(`standards.${c}.${s}`, `${t(`county.ind.${c}` as MessageKey)} · ${t(`county.stage.${s}`)}`))}
            </FieldRow>
          ))}
          <FieldRow>
            {ASSESSED_STAGES.map((s) => number(`cvThreshold.${s}`, `${t('county.threshold')} · ${t(`county.stage.${s}`)}`))}
            {number('schoolRule.atLeast', t('county.standards.atLeast'))}
            {number('schoolRule.floorShare', t('county.standards.floorShare'))}
          </FieldRow>
        </>
      ) : (
        <FieldRow>
          {number('minShare', t('county.rotation.share'))}
          {number('minBackboneShare', t('county.rotation.backbone'))}
          {number('dispatchMinDays', t('county.standards.dispatchMinDays'))}
        </FieldRow>
      )}
      <Button variant="primary" onClick={() => void add()} loading={form.submitting} disabled={!head.id.trim() || !head.effectiveFrom || !head.title.trim()} data-testid="county-standards-add">
        {t('county.standards.add')}
      </Button>
    </Card>
  );
}
