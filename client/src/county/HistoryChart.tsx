import { useMemo } from 'react';
import type { CountyReport } from '../../../shared/schemas/county.ts';
import { useT } from '../i18n/index.ts';
import { Chart } from '../quotas/Chart.tsx';

/** The combined coefficient per stage over the years, with each stage's limit. */
export default function HistoryChart({ c }: { c: CountyReport }) {
  const t = useT();
  const option = useMemo(() => {
    const h = c.balance.history;
    const limit = (stage: 'primary' | 'junior_middle') => c.balance.stages.find((s) => s.stage === stage)?.threshold;
    const series = (stage: 'primary' | 'junior_middle', pick: (x: (typeof h)[number]) => number | null) => ({
      type: 'line',
      name: t(`county.stage.${stage}`),
      data: h.map((x) => (pick(x) === null ? null : Number(pick(x)!.toFixed(3)))),
      markLine: { symbol: 'none', label: { formatter: `${t(`county.stage.${stage}`)} ≤ ${limit(stage)}` }, data: [{ yAxis: limit(stage) }], lineStyle: { type: 'dashed' } },
    });
    return {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 48, right: 96, top: 16, bottom: 40 },
      xAxis: { type: 'category', data: h.map((x) => x.academicYear) },
      // Up to the limits, so the distance to them shows.
      yAxis: { type: 'value', min: 0, max: (v: { max: number }) => Math.ceil(Math.max(0.55, v.max * 1.1) * 10) / 10 },
      series: [series('primary', (x) => x.primary), series('junior_middle', (x) => x.juniorMiddle)],
    };
  }, [c, t]);
  return <Chart option={option} height={220} label={t('county.historyChart')} testId="county-history" />;
}
