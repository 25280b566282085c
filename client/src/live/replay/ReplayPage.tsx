import { useEffect, useMemo, useState } from 'react';
import type { RecordingTimeline } from '../../../../shared/schemas/courseware.ts';
import { api } from '../../app/api.ts';
import { localDateTime } from '../../app/format.ts';
import type { RouteProps } from '../../app/router.tsx';
import { useQuery } from '../../app/useQuery.ts';
import { useT } from '../../i18n/index.ts';
import { Button, Card, EmptyState, LoadError, NotFoundState, PageHeader, Spinner } from '../../ui/index.ts';
import { clock } from '../clock.ts';
import { BoardSurface } from '../courseware/BoardSurface.tsx';
import { pageUrl } from '../courseware/useBoard.ts';
import { BoardReplay } from './BoardReplay.ts';
import { useVideoBoard } from './useVideoBoard.ts';
import '../courseware/courseware.css';
import './replay.css';

/** Page images fetched ahead when the page opens, so a seek shows its page at once. */
const PREFETCH = 40;

/**
 * `/live/replay/:recordingId`: a lesson's recording with the courseware and what was written
 * on it, in step with the video (CW-REPLAY-SYNC) — the board at the recording's start, then
 * each page turn and stroke at its moment; seeking either way shows the board as it was then.
 * The recording's audience only (CW-REPLAY-ACCESS): anyone else gets the not-found page.
 */
export function ReplayPage({ params }: RouteProps) {
  const recordingId = params['recordingId']!;
  const q = useQuery(api.recordingTimeline, { params: { recordingId } });
  if (q.status === 404 || q.status === 400) return <NotFoundState backTo="/live" />;
  if (q.error) return <LoadError onRetry={() => void q.reload()} />;
  if (!q.data) return <Spinner />;
  return <Replay timeline={q.data} />;
}

function Replay({ timeline }: { timeline: RecordingTimeline }) {
  const t = useT();
  const replay = useMemo(() => new BoardReplay(timeline.start, timeline.events), [timeline]);
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const board = useVideoBoard(video, replay);
  const turns = useMemo(() => replay.events.flatMap((e) => (e.kind === 'page' ? [{ offsetMs: e.offsetMs, ...e.payload }] : [])), [replay]);

  useEffect(() => {
    const shown = [timeline.start, ...turns].filter((p) => p.coursewareId !== null).map((p) => pageUrl(p.coursewareId!, p.page));
    for (const url of [...new Set(shown)].slice(0, PREFETCH)) new Image().src = url;
  }, [timeline, turns]);

  // Just past the change: a change at offset t is on the board from t on.
  const seek = (offsetMs: number) => {
    if (video) video.currentTime = (offsetMs + 1) / 1000;
  };
  const { session } = timeline;
  const current = turns.findLastIndex((p) => video !== null && p.offsetMs <= video.currentTime * 1000);

  return (
    <>
      <PageHeader
        title={`${t('replay.title')} · ${session.title}`}
        breadcrumbs={[{ label: t('live.report.title'), to: `/live/report/${session.id}` }, { label: t('replay.title') }]}
        meta={<span className="muted">{t('replay.recordedAt', { time: localDateTime(timeline.startedAt), duration: clock(timeline.durationMs / 1000) })}</span>}
        description={t('replay.help')}
      />
      <div className="rp-layout">
        <Card title={t('replay.video')} className="rp-video">
          <video ref={setVideo} src={`/api/live/recordings/${timeline.recordingId}/file`} controls preload="auto" playsInline data-testid="replay-video" />
        </Card>
        <Card title={t('replay.board')}>
          <div className="rp-board" data-testid="replay-board" data-active={board.active}>
            {board.active ? (
              <>
                <BoardSurface board={board} pen={null} testId="replay-surface" />
                <div className="rp-where" data-testid="replay-where">
                  {board.coursewareId ? `${board.fileName ?? ''} · ${t('cw.page', { page: board.page, count: board.pageCount })}` : t('replay.blankPage', { page: board.page })}
                </div>
              </>
            ) : (
              <EmptyState title={t('replay.noBoard')} compact testId="replay-no-board" />
            )}
          </div>
        </Card>
      </div>
      <Card title={t('replay.turns')}>
        {turns.length === 0 ? (
          <EmptyState title={t('replay.noTurns')} compact />
        ) : (
          <ol className="rp-turns" data-testid="replay-turns">
            {turns.map((p, i) => (
              <li key={i}>
                <Button size="sm" variant="ghost" aria-current={i === current} onClick={() => seek(p.offsetMs)}>
                  {t('replay.turnAt', { time: clock(p.offsetMs / 1000), page: p.page })}
                </Button>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </>
  );
}
