import { useEffect, useRef, useState } from 'react';
import { useQuery } from '../app/useQuery.ts';
import { api } from '../app/api.ts';
import { pageOpenedAt, type RouteProps } from '../app/router.tsx';
import { useRole } from '../app/session.ts';
import { isMessageKey, useT, type MessageKey } from '../i18n/index.ts';
import { Alert, Badge, Card, LinkButton, PageHeader, Spinner } from '../ui/index.ts';
import { AudioCheck } from './AudioCheck.tsx';
import { ClassroomTerminal } from './ClassroomTerminal.tsx';
import { PatrolView } from './PatrolView.tsx';
import { PreJoin } from './PreJoin.tsx';
import { rememberPreJoin } from './prejoinChoice.ts';
import { pushToTalkPreferred } from './pushToTalk.ts';
import { ResearchRoom } from './ResearchRoom.tsx';
import { useLive } from './store.ts';
import { failuresText } from './verdictText.ts';
import { TeacherConsole } from './TeacherConsole.tsx';
import './live.css';

/** How often a classroom terminal waiting for its lesson tries again. */
export const AUTO_JOIN_RETRY_MS = 5000;

/**
 * `/live/:sessionId`. Teachers pass the pre-join check and go live (or join) — a reload
 * in the lesson joins again at once (warmStart.ts); classroom terminals join at once — a terminal keeps trying until the teacher
 * has gone live (and offers its audio check meanwhile); coordinators and
 * auditors enter at once as invisible patrols (巡课). Then the view for the role and kind.
 */
export function LivePage({ params }: RouteProps) {
  const sessionId = params['sessionId']!;
  const t = useT();
  const role = useRole();
  const client = useLive((s) => s.client);
  const view = useLive((s) => s.view);
  const removed = useLive((s) => s.removed);
  const [busy, setBusy] = useState(false);
  const now = useQuery(api.liveNow, {});
  const item = now.data?.find((i) => i.session.id === sessionId);
  const joined = client?.sessionId === sessionId ? view : null;
  // The page's own join (the warm start) sent this teacher to the pre-join check first.
  const mine = joined?.state === 'error' && joined.error?.code === 'prejoin' ? null : joined;
  const auto = role === 'classroom' || role === 'coordinator' || role === 'auditor';
  // A terminal in push-to-talk mode joins with its microphone off.
  const wantedAuto = () => ({ camera: role === 'classroom', microphone: role === 'classroom' && !pushToTalkPreferred() });
  const retry = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Join-to-first-frame counts from the join click, or for a terminal or patrol joining by itself from
  // the navigation that opened this page (a retry while waiting for the teacher counts from the retry).
  const go = (wanted: { camera: boolean; microphone: boolean }, joinStartedAt = performance.now()) => {
    setBusy(true);
    // A teacher's choice in the pre-join check: a reload in the lesson joins again with it (LIVE-AUTO-JOIN).
    if (!auto) rememberPreJoin(sessionId, wanted);
    useLive
      .getState()
      .start(sessionId, wanted, joinStartedAt, { auto })
      .catch(() => undefined)
      .finally(() => setBusy(false));
  };

  useEffect(() => {
    if (auto && !mine) go(wantedAuto(), pageOpenedAt());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [auto, sessionId]);

  // A terminal waiting for its lesson: try again until the teacher goes live.
  useEffect(() => {
    if (!auto || mine?.state !== 'error' || mine.error?.code !== 'not_live') return;
    retry.current = setTimeout(() => go(wantedAuto()), AUTO_JOIN_RETRY_MS);
    return () => {
      if (retry.current) clearTimeout(retry.current);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [auto, mine?.state, mine?.error?.code]);

  useEffect(() => () => void useLive.getState().leave(), []);

  const title = mine?.session?.title ?? item?.session.title ?? t('live.title');
  const patrolling = role === 'auditor' || mine?.permissions?.role === 'observer';
  const session = mine?.session ?? item?.session;
  const header = (
    <PageHeader
      title={title}
      breadcrumbs={[patrolling ? { label: t('live.patrol.title'), to: '/live/patrol' } : { label: t('live.title'), to: '/live' }, { label: title }]}
      meta={
        session && (
          <>
            <Badge tone="blue">{t(`live.kind.${session.kind}`)}</Badge>
            {session.mode && <Badge tone="purple">{t(`live.mode.${session.mode}`)}</Badge>}
            <Badge tone={session.status === 'live' ? 'green' : 'gray'}>{t(`live.status.${session.status}`)}</Badge>
          </>
        )
      }
    />
  );

  if (removed) return <>{header}<Alert tone="warning">{t('live.removed')}</Alert></>;

  if (!mine) {
    if (auto) return <>{header}<Spinner label={t('live.state.joining')} /></>;
    const goLabel = item?.session.status === 'scheduled' && item.role === 'host' ? t('live.goLive') : t('live.join');
    return (
      <>
        {header}
        <PreJoin goLabel={goLabel} onGo={go} busy={busy} />
      </>
    );
  }

  const state = <span hidden data-testid="live-state" data-state={mine.state} />;
  if (mine.state === 'idle' || mine.state === 'joining') return <>{header}{state}<Spinner label={t('live.state.joining')} /></>;
  if (mine.state === 'error') {
    const waiting = mine.error?.code === 'not_live' && auto;
    return (
      <>
        {header}
        {state}
        <Alert tone={waiting ? 'info' : 'danger'} title={waiting ? t('live.waiting') : t('live.state.error')} testId="live-error">
          {waiting ? t('live.autoJoin') : mine.error && (isMessageKey(`live.error.${mine.error.code}`) ? `${t(`live.error.${mine.error.code}` as MessageKey)}（${mine.error.message}）` : mine.error.message)}
        </Alert>
        {waiting && role === 'classroom' && (
          <Card title={t('live.audioCheck')}>
            <AudioCheck />
          </Card>
        )}
      </>
    );
  }
  if (mine.state === 'ended') {
    const ended = mine.ended;
    const text =
      ended?.status === 'delivered'
        ? t('live.ended.delivered')
        : ended?.status === 'missed'
          ? t('live.ended.missed', { reason: failuresText(t, ended.failed ?? []) })
          : ended?.status === 'left'
            ? t('live.ended.left')
            : t('live.ended.other');
    return (
      <>
        {header}
        {state}
        <Alert tone={ended?.status === 'delivered' ? 'success' : 'info'} title={t('live.state.ended')} testId="live-ended">
          <span data-testid="live-ended-status" data-status={ended?.status}>{text}</span>
        </Alert>
        {patrolling ? <LinkButton to="/live/patrol">{t('live.patrol.title')}</LinkButton> : <LinkButton to="/live">{t('live.title')}</LinkButton>}
      </>
    );
  }

  const role_ = mine.permissions?.role;
  const body =
    role_ === 'observer' ? (
      <PatrolView client={client!} view={mine} />
    ) : mine.session?.kind === 'online_research' ? (
      <ResearchRoom client={client!} view={mine} />
    ) : role_ === 'classroom' || role_ === 'teacher' ? (
      <ClassroomTerminal client={client!} view={mine} />
    ) : (
      <TeacherConsole client={client!} view={mine} />
    );
  return (
    <>
      {header}
      {state}
      {body}
    </>
  );
}
