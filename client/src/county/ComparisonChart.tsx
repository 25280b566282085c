import { useMemo } from 'react';
import type { CountyComparisonRow } from '../../../shared/schemas/county.ts';
import { useT } from '../i18n/index.ts';
import { Chart } from '../quotas/Chart.tsx';

const percent = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
const coefficient = (v: number | null) => (v === null ? null : Number(v.toFixed(3)));

/** Per county: quota attainment and rotation share as bars (%), the combined coefficients as points on their own axis. */
export default function ComparisonChart({ rows }: { rows: readonly CountyComparisonRow[] }) {
  const t = useT();
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 48, right: 56, top: 24, bottom: 48 },
      xAxis: { type: 'category', data: rows.map((r) => r.countyName) },
      yAxis: [
        { type: 'value', name: '%', min: 0, max: 100 },
        { type: 'value', name: t('county.cv'), min: 0, max: (v: { max: number }) => Math.ceil(Math.max(0.55, v.max * 1.1) * 10) / 10 },
      ],
      series: [
        { type: 'bar', name: t('county.compare.attainment'), data: rows.map((r) => percent(r.attainment.value)) },
        { type: 'bar', name: t('county.compare.rotation'), data: rows.map((r) => percent(r.rotationShare.value)) },
        { type: 'line', name: t('county.compare.cvPrimary'), yAxisIndex: 1, symbolSize: 10, lineStyle: { opacity: 0 }, data: rows.map((r) => coefficient(r.combinedPrimary.value)) },
        { type: 'line', name: t('county.compare.cvJunior'), yAxisIndex: 1, symbolSize: 10, lineStyle: { opacity: 0 }, data: rows.map((r) => coefficient(r.combinedJuniorMiddle.value)) },
      ],
    }),
    [rows, t],
  );
  return <Chart option={option} height={280} label={t('county.compare.chart')} testId="county-compare-chart" />;
}
