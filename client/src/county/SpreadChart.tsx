import { useMemo } from 'react';
import { INDICATOR_CODES } from '../../../shared/county/standards.ts';
import type { BalanceStage } from '../../../shared/schemas/county.ts';
import { useT } from '../i18n/index.ts';
import { Chart } from '../quotas/Chart.tsx';

/** Each school's seven indicators as a percentage of the national standard value: who is far from the others, and where. */
export default function SpreadChart({ stage }: { stage: BalanceStage }) {
  const t = useT();
  const option = useMemo(() => {
    const schools = stage.schools.filter((s) => s.values.some((v) => v.value !== null));
    return {
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 48, right: 40, top: 16, bottom: 72 },
      xAxis: { type: 'category', data: schools.map((s) => s.name.replace(/^.{2,3}县/, '')), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', name: '%' },
      series: INDICATOR_CODES.map((code, k) => ({
        type: 'bar',
        name: t(`county.ind.${code}`),
        data: schools.map((s) => {
          const v = s.values[k]?.value;
          return v === null || v === undefined ? null : Math.round((v / stage.indicators[k]!.standard) * 100);
        }),
        ...(k === 0 ? { markLine: { symbol: 'none', data: [{ yAxis: 100, name: t('county.standardLine') }], lineStyle: { type: 'dashed' } } } : {}),
      })),
    };
  }, [stage, t]);
  return <Chart option={option} height={300} label={t('county.spreadChart', { stage: t(`county.stage.${stage.stage}`) })} testId={`county-spread-${stage.stage}`} />;
}
