import type { ParticipantFigures, RuleOutcome } from '../../../shared/schemas/live.ts';
import { api } from '../app/api.ts';
import type { RouteProps } from '../app/router.tsx';
import { useQuery } from '../app/useQuery.ts';
import { isMessageKey, useLocale, useT, type MessageKey } from '../i18n/index.ts';
import { Alert, Badge, Card, LoadError, NotFoundState, PageHeader, Spinner, Table, type Column } from '../ui/index.ts';
import { clock } from './clock.ts';
import { RecordingsCard } from './replay/RecordingsCard.tsx';
import { ClassroomInteraction, StCard } from './StPanel.tsx';
import { figuresText } from './verdictText.ts';
import './live.css';

/**
 * `/live/report/:sessionId` (issue #6): the participation data of one session
 * after it ends — per teacher and classroom: joined/left, connected, receiving,
 * camera, microphone, speaking, hands raised, on stage — and the counting
 * rules it was judged by, each with its figures (which one failed, by how much).
 * Lessons also show their S-T analysis (curve, Rt, Ch, type) and each
 * classroom's interaction (speaking, hands, stage). The recordings link to their playback.
 */
export function ParticipationPage({ params }: RouteProps) {
  const sessionId = params['sessionId']!;
  const t = useT();
  const locale = useLocale();
  const q = useQuery(api.liveParticipation, { params: { sessionId } });
  if (q.status === 404) return <NotFoundState backTo="/schedule" />;
  if (q.error) return <LoadError onRetry={() => void q.reload()} />;
  if (!q.data) return <Spinner />;
  const data = q.data;
  const time = (iso: string | null) => (iso ? new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso)) : '—');
  const ruleName = (id: string) => (isMessageKey(`live.rule.${id}`) ? t(`live.rule.${id}` as MessageKey) : id);
  const roleName = (p: ParticipantFigures) => (p.hostClassroom ? t('live.report.hostClassroom') : t(`live.role.${p.role}`));

  const columns: Column<ParticipantFigures>[] = [
    { key: 'name', header: t('live.report.col.name'), wrap: true, render: (p) => <><strong>{p.name}</strong><div className="muted">{p.schoolName}</div></> },
    { key: 'role', header: t('live.report.col.role'), render: roleName },
    { key: 'joined', header: t('live.report.col.joined'), render: (p) => (p.joinedAt ? time(p.joinedAt) : <span className="muted">{t('live.report.never')}</span>) },
    { key: 'left', header: t('live.report.col.left'), render: (p) => (p.joinedAt && !p.leftAt ? t('live.report.stillIn') : time(p.leftAt)) },
    { key: 'connected', header: t('live.report.col.connected'), align: 'right', render: (p) => clock(p.connectedSeconds) },
    { key: 'receiving', header: t('live.report.col.receiving'), align: 'right', render: (p) => clock(p.receivingSeconds) },
    { key: 'camera', header: t('live.report.col.camera'), align: 'right', render: (p) => clock(p.cameraSeconds) },
    { key: 'microphone', header: t('live.report.col.microphone'), align: 'right', render: (p) => clock(p.microphoneSeconds) },
    { key: 'speaking', header: t('live.report.col.speaking'), align: 'right', render: (p) => clock(p.speakingSeconds) },
    { key: 'hands', header: t('live.report.col.hands'), align: 'right', render: (p) => p.handRaises },
    { key: 'stage', header: t('live.report.col.stage'), align: 'right', render: (p) => clock(p.stageSeconds) },
    // E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: the time a classroom followed by sound and courseware on a weak link.
    { key: 'audioCourseware', header: t('live.report.col.audioCourseware'), align: 'right', render: (p) => (p.kind === 'classroom' ? clock(p.audioCoursewareSeconds) : '—') },
    { key: 'visits', header: t('live.report.col.visits'), align: 'right', secondary: true, render: (p) => p.visits },
  ];

  const verdict = data.verdict;
  return (
    <>
      <PageHeader
        title={`${t('live.report.title')} · ${data.session.title}`}
        breadcrumbs={[{ label: t('nav.schedule' as MessageKey), to: '/schedule' }, { label: t('live.report.title') }]}
        meta={
          <>
            <Badge tone="blue">{t(`live.kind.${data.session.kind}`)}</Badge>
            <Badge tone={data.session.status === 'delivered' ? 'green' : data.session.status === 'missed' ? 'orange' : 'gray'}>{t(`live.status.${data.session.status}`)}</Badge>
            <span className="muted">{t('live.report.planned', { duration: clock(data.plannedSeconds) })}</span>
          </>
        }
      />
      {!data.final && <Alert tone="info">{t('live.report.notFinal')}</Alert>}
      <Card title={t('live.report.rules')} testId="live-report-verdict">
        {verdict ? (
          <>
            <Alert tone={verdict.status === 'delivered' ? 'success' : 'warning'} title={verdict.status === 'delivered' ? t('live.report.delivered') : t('live.report.missed')}>
              <span data-testid="live-report-status" data-status={verdict.status} />
            </Alert>
            <ul className="live-report-rules">
              {verdict.outcomes.map((o: RuleOutcome) => (
                <li key={o.ruleId} data-testid="live-report-rule" data-rule-id={o.ruleId} data-passed={String(o.passed)} className={o.passed ? 'is-passed' : 'is-failed'}>
                  <Badge tone={o.passed ? 'green' : 'red'}>{o.passed ? t('live.report.passed') : t('live.report.failed')}</Badge> <code>{o.ruleId}</code> {ruleName(o.ruleId)}
                  <div className="muted">{figuresText(t, o)}</div>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="muted">{t('live.report.noVerdict')}</p>
        )}
      </Card>
      {data.st && <StCard st={data.st} />}
      {data.session.kind === 'sync_lesson' && <ClassroomInteraction participants={data.participants} quizQuestions={data.quizQuestions} />}
      <Card title={t('live.report.participants')} flush>
        <Table columns={columns} rows={data.participants} rowKey={(p) => p.key} testId="live-report-table" />
      </Card>
      <RecordingsCard sessionId={sessionId} />
    </>
  );
}
