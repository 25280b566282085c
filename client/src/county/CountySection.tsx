import { lazy, Suspense, useState } from 'react';
import type { BalanceStage, CountyCoverage, CountyReport, Figure } from '../../../shared/schemas/county.ts';
import { api } from '../app/api.ts';
import { useMe } from '../app/session.ts';
import { useQuery } from '../app/useQuery.ts';
import { useT, type Translate } from '../i18n/index.ts';
import { Badge, Button, Card, Spinner, Stat, type BadgeTone } from '../ui/index.ts';
import { CountyComparison } from './CountyComparison.tsx';
import { RotationDrawer } from './RotationDrawer.tsx';
import './county.css';

const SpreadChart = lazy(() => import('./SpreadChart.tsx'));
const HistoryChart = lazy(() => import('./HistoryChart.tsx'));

const tone: Record<string, BadgeTone> = { met: 'green', not_met: 'red', at_risk: 'orange', not_computable: 'gray' };
const num = (f: Figure, t: Translate, digits = 3) => (f.value === null ? `${t('county.status.not_computable')}：${t(`county.reason.${f.reason!}`)}` : f.value.toFixed(digits));
const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

function StatusBadge({ status }: { status: string }) {
  const t = useT();
  return <Badge tone={tone[status] ?? 'gray'}>{t(`county.status.${status as 'met'}`)}</Badge>;
}

/** The auditor's (and admin's) county section: for several counties their comparison first, then coverage, balance by stage, rotation — one block per county, side by side. */
export function CountySection() {
  const t = useT();
  const q = useQuery(api.countyReports, {});
  const data = q.data;
  if (!data) return q.loading ? <Spinner /> : null;
  const url = (format: string, extra: Record<string, string> = {}) => `/api/county/report?${new URLSearchParams({ format, academicYear: data.academicYear, ...extra })}`;
  return (
    <Card
      testId="county-section"
      title={t('county.title')}
      subtitle={t('county.subtitle', { year: data.academicYear, date: data.today })}
      actions={
        <span className="county-exports">
          <a className="btn btn--secondary btn--sm" href={url('xlsx')} data-testid="county-export-xlsx">{t('county.export.xlsx')}</a>
          <a className="btn btn--secondary btn--sm" href={url('csv', { sheet: 'balance' })}>{t('county.export.csv')}</a>
          {data.comparison && <a className="btn btn--secondary btn--sm" href={url('csv', { sheet: 'compare' })} data-testid="county-export-compare">{t('county.export.compare')}</a>}
          <a className="btn btn--secondary btn--sm" href={url('html')} target="_blank" rel="noreferrer">{t('county.export.html')}</a>
        </span>
      }
    >
      {data.comparison && <CountyComparison comparison={data.comparison} />}
      <div className={data.counties.length > 1 ? 'county-grid' : undefined}>
        {data.counties.map((c) => <CountyBlock key={c.countyId} c={c} several={data.counties.length > 1} onChanged={() => void q.reload()} />)}
      </div>
    </Card>
  );
}

function CountyBlock({ c, several, onChanged }: { c: CountyReport; several: boolean; onChanged(): void }) {
  const t = useT();
  const admin = useMe().account.role === 'admin';
  const [recording, setRecording] = useState(false);
  return (
    <div className="county-block" data-testid="county-block" data-county={c.countyName}>
      {several && <h3 className="county-name">{c.countyName}</h3>}
      <h4>{t('county.coverage')}</h4>
      <CoverageRule cov={c.coverage.rural} />
      <CoverageRule cov={c.coverage.newResident} />
      <h4>{t('county.balance')} <small className="muted">{c.balance.standardId}</small></h4>
      {c.balance.stages.map((s) => <StageBalance key={s.stage} s={s} chart={!several} />)}
      {!several && c.balance.history.length > 1 && (
        <>
          <h4>{t('county.historyChart')}</h4>
          <Suspense fallback={<Spinner />}>
            <HistoryChart c={c} />
          </Suspense>
        </>
      )}
      <h4>
        {t('county.rotation')} <small className="muted">{c.rotation.standardId}</small>
        {admin && (
          <Button size="sm" variant="ghost" icon="plus" onClick={() => setRecording(true)} data-testid="record-rotation">
            {t('county.rotation.record')}
          </Button>
        )}
      </h4>
      {recording && <RotationDrawer countyId={c.countyId} onClose={() => setRecording(false)} onSaved={onChanged} />}
      <div className="stats stats--inline">
        <Stat label={t('county.rotation.share')} value={c.rotation.share.value === null ? t('county.status.not_computable') : pct(c.rotation.share.value)} hint={t('county.rotation.shareHint', { rotated: c.rotation.rotated, eligible: c.rotation.eligible, min: pct(c.rotation.minShare) })} tone={c.rotation.shareStatus === 'met' ? 'teal' : 'orange'} testId="county-rotation-share" />
        <Stat label={t('county.rotation.backbone')} value={c.rotation.backboneShare.value === null ? t('county.status.not_computable') : pct(c.rotation.backboneShare.value)} hint={t('county.rotation.backboneHint', { n: c.rotation.backboneRotated, min: pct(c.rotation.minBackboneShare) })} tone={c.rotation.backboneStatus === 'met' ? 'teal' : 'orange'} />
      </div>
    </div>
  );
}

function CoverageRule({ cov }: { cov: CountyCoverage }) {
  const t = useT();
  return (
    <div className="county-rule" data-testid={`county-${cov.ruleId}`} data-status={cov.status}>
      <div className="county-rule-head">
        <StatusBadge status={cov.status} />
        <span>{t(`county.rule.${cov.ruleId as 'C-COVERAGE-RURAL'}`)}</span>
        <small className="muted">{cov.ruleId} · {t('county.coverage.checked', { n: cov.schoolsChecked, days: cov.schoolDays })}</small>
      </div>
      {cov.gaps.length > 0 && (
        <ul className="county-gaps">
          {cov.gaps.map((g) => (
            <li key={g.schoolId}>
              {t('county.coverage.gap', { name: g.name, out: g.daysOut })}
              {g.daysOutAhead > 0 && t('county.coverage.gapAhead', { ahead: g.daysOutAhead })}
              {g.ranges[0] && t('county.coverage.since', { from: g.ranges[0].from })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function StageBalance({ s, chart }: { s: BalanceStage; chart: boolean }) {
  const t = useT();
  const missing = s.schools.filter((x) => x.schoolRuleMet === false).map((x) => x.name);
  return (
    <div className="county-stage" data-testid={`county-stage-${s.stage}`}>
      <table className="county-table">
        <thead>
          <tr>
            <th>{t(`county.stage.${s.stage}`)} · {t('county.indicator')}</th>
            <th className="align-right">{t('county.cv')}</th>
            <th className="align-right">{t('county.threshold')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {s.indicators.map((i) => (
            <tr key={i.code}>
              <td>{t(`county.ind.${i.code as 'qualifiedTeachers'}`)}</td>
              <td className="align-right num">{num(i, t)}</td>
              <td className="align-right num">{s.threshold}</td>
              <td><StatusBadge status={i.status} /></td>
            </tr>
          ))}
          <tr className="county-combined">
            <td>{t('county.combined')}</td>
            <td className="align-right num" data-testid={`county-combined-${s.stage}`}>{num(s.combined, t)}</td>
            <td className="align-right num">{s.threshold}</td>
            <td><StatusBadge status={s.combinedStatus} /></td>
          </tr>
        </tbody>
      </table>
      <p className="form-note">{t('county.pullingUp', { names: s.pullingUp.map((p) => p.name).join('、') || t('county.none') })}</p>
      {missing.length > 0 && <p className="form-note">{t('county.schoolsMissing', { names: missing.join('、') })}</p>}
      {chart && (
        <Suspense fallback={<Spinner />}>
          <SpreadChart stage={s} />
        </Suspense>
      )}
    </div>
  );
}
