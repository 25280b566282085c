import { useEffect, useMemo, useState } from 'react';
import { regionParts, type RegionLevel } from '../../../shared/quotas/regions.ts';
import { jiaxingDefaultRules, QuotaMetric, QuotaRule } from '../../../shared/quotas/rules.ts';
import { api, call } from '../app/api.ts';
import { useCommunityTypes, useCounties, useSubjects } from '../app/reference.ts';
import { navigate, useLocation } from '../app/router.tsx';
import { useQuery } from '../app/useQuery.ts';
import type { FieldError } from '../../../shared/schemas/errors.ts';
import { useFieldT } from '../i18n/fieldMessages.ts';
import { localName, useLocale, useT } from '../i18n/index.ts';
import { Alert, Button, Card, Checkbox, CheckboxGroup, Field, FieldRow, FormErrors, LinkButton, LoadError, PageHeader, Select, TextInput, toast, useApiForm, type ApiForm } from '../ui/index.ts';
import { regionLabel, ruleName, ruleSetLabel } from './format.ts';
import { baseFor, changeText, diffRules, newestOf, regionKeys, regionOf } from './ruleSets.ts';
import { countyNameOf, useScopeText, useYearChoices } from './RulesPage.tsx';
import './quotas.css';

/** One rule as the form edits it: numbers as typed; `copied` rules keep their ID, metric and scope. */
interface DraftRule {
  key: string;
  copied: boolean;
  ruleId: string;
  metric: QuotaMetric;
  nameZh: string;
  nameEn: string;
  minimum: string;
  maxPerWeek: string;
  appliesTo: QuotaRule['appliesTo'];
  filter: QuotaRule['filter'];
}

let seq = 0;
const draftOf = (r: QuotaRule): DraftRule => ({
  key: `r${++seq}`,
  copied: true,
  ruleId: r.ruleId,
  metric: r.metric,
  nameZh: r.nameZh,
  nameEn: r.nameEn,
  minimum: String(r.minimum),
  maxPerWeek: String(r.maxPerWeek),
  appliesTo: r.appliesTo,
  filter: r.filter,
});
const blankRule = (): DraftRule => ({ key: `r${++seq}`, copied: false, ruleId: 'Q-', metric: 'sync_lessons', nameZh: '', nameEn: '', minimum: '', maxPerWeek: '5', appliesTo: {}, filter: {} });

/** '' is "not given" (the server names the field); anything else is sent as the number it reads as. */
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));
const LEVELS: RegionLevel[] = ['county', 'city', 'province', 'default'];
const MODES = ['interactive', 'dedicated', 'master'] as const;
const LESSON_METRICS: QuotaMetric[] = ['sync_lessons', 'sync_subjects'];

/** The API's messages under `rules.<i>` that no input of the row shows. */
function rowRest(form: ApiForm, tField: (f: FieldError) => string, i: number, shown: readonly string[]): string | undefined {
  const prefix = `rules.${i}`;
  const rest = (form.error?.fields ?? []).filter((f) => (f.field === prefix || f.field.startsWith(`${prefix}.`)) && !shown.some((s) => f.field === `${prefix}.${s}` || f.field.startsWith(`${prefix}.${s}.`)));
  return rest.length ? rest.map((f) => (f.field === prefix ? '' : `${f.field.slice(prefix.length + 1)}: `) + tField(f)).join('；') : undefined;
}

/**
 * `/quota-rules/new` (admin, issue #5): a new version of a region's rules for a year.
 * It starts as a copy of what is in force for that region and year (else the wider
 * region's, else the previous year's); thresholds are edited, rules added or removed;
 * the API's checks appear on the fields. Earlier versions are never changed.
 */
export function QuotaRuleSetNewPage() {
  const t = useT();
  const locale = useLocale();
  const { query } = useLocation();
  const sets = useQuery(api.listQuotaRuleSets, { query: {} });
  const counties = useCounties();
  const choices = useYearChoices(sets.data);
  const initial = regionParts(query.get('region') ?? '');
  const [level, setLevel] = useState<RegionLevel>(query.get('region') ? initial.level : 'county');
  const [key, setKey] = useState(query.get('region') ? initial.key : '');
  const [year, setYear] = useState(query.get('year') ?? '');
  const [note, setNote] = useState('');
  const [rows, setRows] = useState<DraftRule[]>([]);
  const [draftFor, setDraftFor] = useState<string | null>(null);
  const form = useApiForm(['region', 'academicYear', 'note', 'rules']);
  const tField = useFieldT();
  const scope = useScopeText();

  const keys = useMemo(() => regionKeys(level, counties ?? []), [level, counties]);
  const regionKey = level === 'default' ? '' : key || keys[0]?.value || '';
  const region = regionOf(level, regionKey);
  const academicYear = year || choices.current;
  const base = sets.data && counties ? baseFor(sets.data, region, academicYear, counties) : undefined;
  const baseRules = useMemo(() => base?.rules ?? jiaxingDefaultRules.map((r) => QuotaRule.parse(r)), [base]);
  const ready = sets.data !== undefined && counties !== null;
  const startKey = `${region}|${academicYear}|${base?.id ?? 'defaults'}`;
  const nextVersion = (newestOf(sets.data ?? [], region, academicYear)?.version ?? 0) + 1;
  const countyName = countyNameOf(counties);

  // A new region or year starts over from what is in force there.
  useEffect(() => {
    if (!ready || draftFor === startKey) return;
    setRows(baseRules.map(draftOf));
    setDraftFor(startKey);
    form.clear();
  }, [ready, startKey, draftFor, baseRules, form]);

  const edit = (k: string, patch: Partial<DraftRule>) => {
    setRows((rs) => rs.map((r) => (r.key === k ? { ...r, ...patch } : r)));
    // Indices shift when rows go; the old messages would point at the wrong rule.
    form.clear('rules');
  };
  const remove = (k: string) => {
    setRows((rs) => rs.filter((r) => r.key !== k));
    form.clear('rules');
  };

  const body = () => ({
    region,
    academicYear,
    note,
    rules: rows.map((r) => ({
      ruleId: r.ruleId.trim(),
      metric: r.metric,
      // Left empty: sent without it, and the API says which field is missing.
      minimum: num(r.minimum) as number,
      nameZh: r.nameZh.trim(),
      nameEn: r.nameEn.trim(),
      appliesTo: r.appliesTo,
      filter: r.filter,
      maxPerWeek: num(r.maxPerWeek),
    })),
  });

  const preview = useMemo(() => {
    // Numbers not (yet) typed are left out of the comparison rather than shown as 0.
    const read = (v: string) => (v.trim() === '' ? NaN : Number(v));
    const now = rows.map((r) => ({ ...baseRules[0]!, ...r, minimum: read(r.minimum), maxPerWeek: read(r.maxPerWeek) }) as QuotaRule);
    return diffRules(baseRules, now).filter((c) => !('to' in c) || typeof c.to !== 'number' || Number.isFinite(c.to));
  }, [rows, baseRules]);

  const save = async () => {
    const res = await form.submit(() => call(api.createQuotaRuleSet, { body: body() }));
    if (res?.ok) {
      toast.success(t('rules.saved'));
      navigate(`/quota-rules?${new URLSearchParams({ year: res.data.academicYear, focus: res.data.region })}`);
    }
  };

  if (sets.error && !sets.data) return <LoadError onRetry={() => void sets.reload()} />;
  const rootRulesError = (form.error?.fields ?? []).filter((f) => f.field === 'rules').map((f) => tField(f));

  return (
    <>
      <PageHeader
        title={t('rules.new.title')}
        description={t('rules.new.description')}
        breadcrumbs={[{ label: t('rules.title'), to: `/quota-rules?${new URLSearchParams({ year: academicYear })}` }, { label: t('rules.new.title') }]}
      />
      <Card testId="rule-set-form">
        <div className="form">
          <FormErrors form={form} />
          <FieldRow>
            <Field label={t('rules.regionLevel')} name="regionLevel">
              <Select
                value={level}
                onChange={(v) => {
                  setLevel(v as RegionLevel);
                  setKey('');
                  form.clear('region');
                }}
                options={LEVELS.map((l) => ({ value: l, label: l === 'default' ? t('quotas.region.default') : t(`quotas.level.${l}`) }))}
                data-testid="region-level"
              />
            </Field>
            <Field label={t('rules.regionName')} name="region" required={level !== 'default'} error={form.of('region')}>
              <Select
                value={regionKey}
                onChange={(v) => {
                  setKey(v);
                  form.clear('region');
                }}
                options={level === 'default' ? [{ value: '', label: t('quotas.region.default') }] : keys}
                disabled={level === 'default'}
                data-testid="region-key"
              />
            </Field>
            <Field label={t('quotas.year')} name="academicYear" required error={form.of('academicYear')}>
              <Select
                value={academicYear}
                onChange={(v) => {
                  setYear(v);
                  form.clear('academicYear');
                }}
                options={choices.labels.map((y) => ({ value: y, label: y }))}
                data-testid="rule-year"
              />
            </Field>
          </FieldRow>
          <p className="muted" data-testid="rule-set-base">
            {base ? t('rules.new.from', { ruleSet: `${ruleSetLabel(t, base, countyName)} · ${base.academicYear}` }) : t('rules.new.fromDefaults')}
            {' · '}
            {t('rules.new.nextVersion', { region: regionLabel(t, region, countyName), year: academicYear, version: nextVersion })}
          </p>

          <div className="qr-editor" role="group" aria-label={t('rules.title')} data-testid="rule-rows">
            <div className="qr-row qr-row--head" aria-hidden="true">
              <span>{t('rules.rule')}</span>
              <span>{t('rules.minimum')}</span>
              <span>{t('rules.maxPerWeek')}</span>
              <span>{t('rules.scope')}</span>
              <span />
            </div>
            {rootRulesError.length > 0 && <p className="field-error" role="alert">{rootRulesError.join('；')}</p>}
            {rows.map((r, i) => (r.copied ? <CopiedRow key={r.key} r={r} i={i} form={form} scope={scope(r)} name={ruleName(locale, r)} onEdit={edit} onRemove={remove} /> : <NewRow key={r.key} r={r} i={i} form={form} onEdit={edit} onRemove={remove} />))}
            <div>
              <Button
                icon="plus"
                size="sm"
                onClick={() => {
                  setRows((rs) => [...rs, blankRule()]);
                  form.clear('rules');
                }}
                data-testid="add-rule"
              >
                {t('rules.addRule')}
              </Button>
            </div>
          </div>

          <Field label={t('rules.note')} name="note" error={form.of('note')}>
            <TextInput value={note} onChange={setNote} placeholder={t('rules.noteHint')} maxLength={500} data-testid="rule-set-note" />
          </Field>

          {preview.length > 0 && (
            <Alert tone="info" title={t('rules.preview')} testId="rule-set-preview">
              <ul className="qr-changes">
                {preview.map((c, i) => (
                  <li key={i}>{changeText(t, c)}</li>
                ))}
              </ul>
            </Alert>
          )}

          <div className="form-actions">
            <LinkButton to={`/quota-rules?${new URLSearchParams({ year: academicYear })}`}>{t('common.cancel')}</LinkButton>
            <Button variant="primary" onClick={() => void save()} loading={form.submitting} disabled={!ready} data-testid="save-rule-set">
              {t('rules.save')}
            </Button>
          </div>
        </div>
      </Card>
    </>
  );
}

interface RowProps {
  r: DraftRule;
  i: number;
  form: ApiForm;
  onEdit(key: string, patch: Partial<DraftRule>): void;
  onRemove(key: string): void;
}

/** A rule of the starting version: its threshold and weekly ceiling are edited in place. */
function CopiedRow({ r, i, form, scope, name, onEdit, onRemove }: RowProps & { scope: string; name: string }) {
  const t = useT();
  const tField = useFieldT();
  const rest = rowRest(form, tField, i, ['minimum', 'maxPerWeek']);
  return (
    <div className="qr-row" data-rule={r.ruleId} data-testid={`rule-row-${r.ruleId}`}>
      <div className="qr-row-rule">
        <code className="q-id">{r.ruleId}</code>
        <div>{name}</div>
        <div className="muted">{t(`rules.metric.${r.metric}`)}</div>
        {rest && <p className="field-error">{rest}</p>}
      </div>
      <Field name={`rules.${i}.minimum`} error={form.of(`rules.${i}.minimum`)} hint={r.metric === 'dispatch_coverage' ? t('rules.minimumHint.share') : undefined}>
        <TextInput type="number" inputMode="decimal" step="any" value={r.minimum} onChange={(minimum) => onEdit(r.key, { minimum })} aria-label={`${r.ruleId} ${t('rules.minimum')}`} data-testid={`minimum-${r.ruleId}`} />
      </Field>
      <Field name={`rules.${i}.maxPerWeek`} error={form.of(`rules.${i}.maxPerWeek`)}>
        <TextInput type="number" inputMode="decimal" step="any" value={r.maxPerWeek} onChange={(maxPerWeek) => onEdit(r.key, { maxPerWeek })} aria-label={`${r.ruleId} ${t('rules.maxPerWeek')}`} />
      </Field>
      <div className="qr-row-scope muted">{scope}</div>
      <Button size="sm" variant="ghost" icon="trash" onClick={() => onRemove(r.key)} aria-label={`${t('rules.removeRule')} ${r.ruleId}`} title={t('rules.removeRule')} data-testid={`remove-${r.ruleId}`} />
    </div>
  );
}

/** A rule the admin adds: its ID, what it counts, names, threshold, and which communities and lessons it concerns. */
function NewRow({ r, i, form, onEdit, onRemove }: RowProps) {
  const t = useT();
  const locale = useLocale();
  const types = useCommunityTypes();
  const subjects = useSubjects();
  const tField = useFieldT();
  const rest = rowRest(form, tField, i, ['ruleId', 'metric', 'nameZh', 'nameEn', 'minimum', 'maxPerWeek', 'appliesTo', 'filter']);
  const lesson = LESSON_METRICS.includes(r.metric);
  return (
    <div className="qr-row qr-row--new" data-testid={`new-rule-${i}`}>
      <div className="qr-new-head">
        <strong>{t('rules.newRule')}</strong>
        <Button size="sm" variant="ghost" icon="trash" onClick={() => onRemove(r.key)}>
          {t('rules.removeRule')}
        </Button>
      </div>
      {rest && <p className="field-error">{rest}</p>}
      <FieldRow>
        <Field label={t('rules.ruleId')} name={`rules.${i}.ruleId`} required error={form.of(`rules.${i}.ruleId`)}>
          <TextInput value={r.ruleId} onChange={(ruleId) => onEdit(r.key, { ruleId: ruleId.toUpperCase() })} placeholder="Q-SYNC-LESSONS-MASTER" className="mono" data-testid="new-rule-id" />
        </Field>
        <Field label={t('rules.metric')} name={`rules.${i}.metric`} required error={form.of(`rules.${i}.metric`)}>
          <Select value={r.metric} onChange={(v) => onEdit(r.key, { metric: v as QuotaMetric, ...(LESSON_METRICS.includes(v as QuotaMetric) ? {} : { filter: {} }) })} options={QuotaMetric.options.map((m) => ({ value: m, label: t(`rules.metric.${m}`) }))} />
        </Field>
        <Field label={t('rules.minimum')} name={`rules.${i}.minimum`} required error={form.of(`rules.${i}.minimum`)} hint={r.metric === 'dispatch_coverage' ? t('rules.minimumHint.share') : undefined}>
          <TextInput type="number" inputMode="decimal" step="any" value={r.minimum} onChange={(minimum) => onEdit(r.key, { minimum })} data-testid="new-rule-minimum" />
        </Field>
        <Field label={t('rules.maxPerWeek')} name={`rules.${i}.maxPerWeek`} error={form.of(`rules.${i}.maxPerWeek`)}>
          <TextInput type="number" inputMode="decimal" step="any" value={r.maxPerWeek} onChange={(maxPerWeek) => onEdit(r.key, { maxPerWeek })} />
        </Field>
      </FieldRow>
      <FieldRow>
        <Field label={t('rules.nameZh')} name={`rules.${i}.nameZh`} required error={form.of(`rules.${i}.nameZh`)}>
          <TextInput value={r.nameZh} onChange={(nameZh) => onEdit(r.key, { nameZh })} data-testid="new-rule-name-zh" />
        </Field>
        <Field label={t('rules.nameEn')} name={`rules.${i}.nameEn`} required error={form.of(`rules.${i}.nameEn`)}>
          <TextInput value={r.nameEn} onChange={(nameEn) => onEdit(r.key, { nameEn })} data-testid="new-rule-name-en" />
        </Field>
      </FieldRow>
      <Field name={`rules.${i}.appliesTo`} error={form.of(`rules.${i}.appliesTo`)}>
        <Checkbox checked={!!r.appliesTo.requiresDispatch} onChange={(on) => onEdit(r.key, { appliesTo: { ...r.appliesTo, requiresDispatch: on || undefined } })} label={t('rules.requiresDispatch')} />
      </Field>
      <Field label={t('rules.typeCodes')} name={`rules.${i}.appliesTo.typeCodes`}>
        <CheckboxGroup layout="grid" options={(types ?? []).map((ty) => ({ value: ty.code, label: localName(locale, ty) }))} value={r.appliesTo.typeCodes ?? []} onChange={(typeCodes) => onEdit(r.key, { appliesTo: { ...r.appliesTo, typeCodes: typeCodes.length ? typeCodes : undefined } })} />
      </Field>
      {lesson && (
        <FieldRow>
          <Field label={t('rules.subjects')} name={`rules.${i}.filter.subjects`} error={form.of(`rules.${i}.filter`)}>
            <CheckboxGroup layout="grid" options={(subjects ?? []).map((s) => ({ value: s.code, label: localName(locale, s) }))} value={r.filter.subjects ?? []} onChange={(list) => onEdit(r.key, { filter: { ...r.filter, subjects: list.length ? list : undefined } })} />
          </Field>
          <Field label={t('rules.modes')} name={`rules.${i}.filter.modes`}>
            <CheckboxGroup options={MODES.map((m) => ({ value: m, label: t(`quotas.mode.${m}`) }))} value={r.filter.modes ?? []} onChange={(list) => onEdit(r.key, { filter: { ...r.filter, modes: list.length ? list : undefined } })} />
          </Field>
        </FieldRow>
      )}
    </div>
  );
}

