import { useMemo } from 'react';
import type { ParticipantFigures, StAnalysis } from '../../../shared/schemas/live.ts';
import { useT } from '../i18n/index.ts';
import { Chart, type ChartOption } from '../quotas/Chart.tsx';
import { Badge, Card, DescriptionList, Table, type Column } from '../ui/index.ts';
import { clock } from './clock.ts';

/** The classic S-T diagram: from the origin, each T sample one step right, each S sample one step up. */
function stCurve(samples: string): [number, number][] {
  const points: [number, number][] = [[0, 0]];
  let t = 0;
  let s = 0;
  for (const c of samples) {
    if (c === 'T') t++;
    else s++;
    points.push([t, s]);
  }
  return points;
}

const fixed = (x: number | null) => (x === null ? '—' : x.toFixed(2));

/** A lesson's S-T analysis on the participation report: the curve, Rt, Ch, the type and the threshold version. */
export function StCard({ st }: { st: StAnalysis }) {
  const t = useT();
  const option = useMemo<ChartOption>(() => {
    const n = Math.max(1, st.sampleCount);
    return {
      tooltip: { trigger: 'item', formatter: (p: { value: [number, number] }) => `T ${p.value[0]} · S ${p.value[1]}` },
      grid: { left: 48, right: 24, top: 24, bottom: 48 },
      xAxis: { type: 'value', name: t('live.st.axisT'), nameLocation: 'middle', nameGap: 28, min: 0, max: n, minInterval: 1 },
      yAxis: { type: 'value', name: t('live.st.axisS'), nameLocation: 'middle', nameGap: 32, min: 0, max: n, minInterval: 1 },
      series: [{ type: 'line', name: t('live.st.curve'), data: stCurve(st.samples), showSymbol: false, step: false }],
    };
  }, [st, t]);
  const r = st.rules;
  return (
    <Card title={t('live.st.title')} subtitle={t('live.st.subtitle', { seconds: r.sampleSeconds })} testId="live-report-st">
      <span hidden data-testid="live-report-st-samples" data-samples={st.samples} data-rt={st.rt ?? ''} data-ch={st.ch ?? ''} data-type={st.type ?? ''} />
      {st.sampleCount === 0 ? (
        <p className="muted">{t('live.st.noSamples')}</p>
      ) : (
        <>
          <DescriptionList
            items={[
              { label: t('live.st.type'), value: st.type ? <Badge tone="blue">{t(`live.st.type.${st.type}`)}</Badge> : '—' },
              { label: t('live.st.rt'), value: fixed(st.rt) },
              { label: t('live.st.ch'), value: fixed(st.ch) },
              {
                label: t('live.st.curve'),
                value: t('live.st.samples', { n: st.sampleCount, t: st.teacherSamples, s: st.sampleCount - st.teacherSamples, silent: st.silentSamples }),
              },
            ]}
          />
          <Chart option={option} height={320} label={t('live.st.curve')} testId="live-report-st-curve" />
        </>
      )}
      <p className="muted">{t('live.st.rulesVersion', { from: r.effectiveFrom, practice: r.practiceMaxRt, lecture: r.lectureMinRt, dialogue: r.dialogueMinCh })}</p>
    </Card>
  );
}

/** Per classroom: speaking seconds, hands raised, time on stage, quick quiz answers of the questions asked (P-QUIZ-ANSWERED). */
export function ClassroomInteraction({ participants, quizQuestions }: { participants: readonly ParticipantFigures[]; quizQuestions: number }) {
  const t = useT();
  const rows = participants.filter((p) => p.kind === 'classroom');
  const na = <span className="muted">{t('live.st.notAvailable')}</span>;
  const columns: Column<ParticipantFigures>[] = [
    { key: 'name', header: t('live.st.col.classroom'), wrap: true, render: (p) => <><strong>{p.name}</strong><div className="muted">{p.schoolName}</div></> },
    { key: 'speaking', header: t('live.st.col.speaking'), align: 'right', render: (p) => clock(p.speakingSeconds) },
    { key: 'hands', header: t('live.st.col.hands'), align: 'right', render: (p) => p.handRaises },
    { key: 'stage', header: t('live.st.col.stage'), align: 'right', render: (p) => clock(p.stageSeconds) },
    { key: 'quiz', header: t('live.st.col.quiz'), align: 'right', render: (p) => (quizQuestions > 0 ? `${p.quizAnswers} / ${Math.round((100 * p.quizAnswers) / quizQuestions)}%` : na) },
  ];
  return (
    <Card title={t('live.st.interaction')} subtitle={quizQuestions > 0 ? t('live.st.quizAsked', { n: quizQuestions }) : t('live.st.quizNote')} flush>
      <Table columns={columns} rows={rows} rowKey={(p) => p.key} testId="live-report-interaction" />
    </Card>
  );
}
