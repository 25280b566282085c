import { lazy, Suspense } from 'react';
import type { CommunityComparisonRow, CountyComparison as Comparison, CountyComparisonRow, Figure } from '../../../shared/schemas/county.ts';
import { useT, type Translate } from '../i18n/index.ts';
import { Badge, Spinner, Table, type BadgeTone } from '../ui/index.ts';

const ComparisonChart = lazy(() => import('./ComparisonChart.tsx'));

const tone: Record<string, BadgeTone> = { met: 'green', on_track: 'teal', not_met: 'red', will_miss: 'red', at_risk: 'orange', not_computable: 'gray', not_applicable: 'gray' };
const pct = (f: Figure, t: Translate) => (f.value === null ? `${t('county.status.not_computable')}：${t(`county.reason.${f.reason!}`)}` : `${Math.round(f.value * 1000) / 10}%`);
const cv = (f: Figure & { status: string }, t: Translate) => (
  <span className="county-compare-cv">
    {f.value === null ? t(`county.reason.${f.reason!}`) : f.value.toFixed(3)} <Badge tone={tone[f.status] ?? 'gray'}>{t(`county.status.${f.status as 'met'}`)}</Badge>
  </span>
);

/** 区县对比 (C-AUDIT-COMPARE): a city or province auditor's counties side by side, then each community's quota attainment. */
export function CountyComparison({ comparison }: { comparison: Comparison }) {
  const t = useT();
  const coverage = (s: string) => <Badge tone={tone[s] ?? 'gray'}>{t(`county.status.${s as 'met'}`)}</Badge>;
  return (
    <div className="county-compare" data-testid="county-compare">
      <h3 className="county-name">{t('county.compare.title')}</h3>
      <p className="form-note">{t('county.compare.subtitle')}</p>
      <Table<CountyComparisonRow>
        testId="county-compare-table"
        label={t('county.compare.title')}
        rowKey={(r) => r.countyId}
        rows={comparison.counties}
        columns={[
          { key: 'county', header: t('county.compare.county'), render: (r) => <span data-testid="county-compare-name">{r.countyName}</span> },
          { key: 'communities', header: t('county.compare.communities'), align: 'right', render: (r) => r.communities },
          { key: 'attainment', header: t('county.compare.attainment'), align: 'right', render: (r) => <span data-testid="county-compare-attainment">{pct(r.attainment, t)}</span> },
          { key: 'rules', header: t('county.compare.rulesMet'), align: 'right', secondary: true, render: (r) => t('county.compare.rulesMetValue', { met: r.rulesMet, applicable: r.rulesApplicable }) },
          { key: 'rural', header: t('county.rule.C-COVERAGE-RURAL'), render: (r) => <span data-testid="county-compare-rural" data-status={r.coverageRural}>{coverage(r.coverageRural)}</span> },
          { key: 'newResident', header: t('county.rule.C-COVERAGE-NEW-RESIDENT'), secondary: true, render: (r) => coverage(r.coverageNewResident) },
          { key: 'leftOut', header: t('county.compare.leftOut'), align: 'right', render: (r) => r.schoolsLeftOut },
          { key: 'primary', header: t('county.compare.cvPrimary'), render: (r) => cv(r.combinedPrimary, t) },
          { key: 'junior', header: t('county.compare.cvJunior'), render: (r) => cv(r.combinedJuniorMiddle, t) },
          { key: 'rotation', header: t('county.compare.rotation'), align: 'right', render: (r) => pct(r.rotationShare, t) },
        ]}
      />
      <Suspense fallback={<Spinner />}>
        <ComparisonChart rows={comparison.counties} />
      </Suspense>
      <h4>{t('county.compare.communityTable')}</h4>
      <Table<CommunityComparisonRow>
        testId="county-compare-communities"
        label={t('county.compare.communityTable')}
        rowKey={(r) => r.communityId}
        rows={comparison.communities}
        columns={[
          { key: 'county', header: t('county.compare.county'), render: (r) => r.countyName },
          { key: 'community', header: t('county.compare.community'), wrap: true, render: (r) => r.communityName },
          { key: 'status', header: t('county.compare.status'), render: (r) => <Badge tone={tone[r.status] ?? 'gray'}>{t(`quotas.status.${r.status}`)}</Badge> },
          { key: 'attainment', header: t('county.compare.attainment'), align: 'right', render: (r) => pct(r.attainment, t) },
          { key: 'rules', header: t('county.compare.rulesMet'), align: 'right', render: (r) => t('county.compare.rulesMetValue', { met: r.rulesMet, applicable: r.rulesApplicable }) },
        ]}
      />
    </div>
  );
}
