import { useEffect, useState } from 'react';
import type { PatrolItem } from '../../../shared/schemas/live.ts';
import { api } from '../app/api.ts';
import { ownSocket } from '../app/socket.ts';
import { useQuery } from '../app/useQuery.ts';
import { useLocale, useT } from '../i18n/index.ts';
import { LiveClient, type LiveView } from '../media/LiveClient.ts';
import { SignalingClient } from '../media/signaling.ts';
import { Badge, Card, Checkbox, EmptyState, LinkButton, PageHeader, Spinner } from '../ui/index.ts';
import { remoteOf, VideoTile } from './components.tsx';
import './live.css';

/** How often the patrol list looks for sessions that went live or ended. */
export const PATROL_POLL_MS = 10_000;
/** Thumbnails beyond this many would cost a patrol's link more than a glance is worth. */
export const PATROL_MAX_THUMBNAILS = 12;

declare global {
  interface Window {
    /** The patrol grid's thumbnail clients by session id (diagnostics and the end-to-end tests). */
    tongbuPatrol?: Map<string, LiveClient>;
  }
}

/**
 * `/live/patrol` 巡课 (issue #6): every session live now in the caller's scope
 * (coordinators: their communities; auditors: their county), each with a live
 * thumbnail of the teacher — the lowest simulcast layer only, nothing else
 * received — and one click to enter it as an invisible patrol.
 */
export function PatrolHome() {
  const t = useT();
  const locale = useLocale();
  const list = useQuery(api.livePatrol, {});
  const [thumbs, setThumbs] = useState(true);

  useEffect(() => {
    const timer = setInterval(() => void list.reload(), PATROL_POLL_MS);
    return () => clearInterval(timer);
  }, [list.reload]);

  const time = (iso: string) => new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

  return (
    <>
      <PageHeader title={t('live.patrol.title')} description={t('live.patrol.description')} actions={<Checkbox checked={thumbs} onChange={setThumbs} label={t('live.patrol.thumbnails')} />} />
      {!list.data ? (
        <Spinner />
      ) : list.data.length === 0 ? (
        <EmptyState icon="video" title={t('live.patrol.none')} testId="patrol-none" />
      ) : (
        <div className="live-patrol-grid" data-testid="patrol-list">
          {list.data.map((item, i) => (
            <Card key={item.session.id} testId="patrol-item">
              <div className="live-patrol-card" data-session-id={item.session.id}>
                {thumbs && i < PATROL_MAX_THUMBNAILS && <PatrolThumb item={item} />}
                <h3>{item.session.title}</h3>
                <div className="live-list-meta">
                  <Badge tone="blue">{t(`live.kind.${item.session.kind}`)}</Badge>
                  {item.recording && <Badge tone="red">{t('live.recording')}</Badge>}
                  <span>{item.communityName}</span>
                  {item.hostTeacherName && <span>{item.hostTeacherName}</span>}
                  <span>{t('live.startsAt', { time: time(item.session.startsAt) })}</span>
                </div>
                <p className="live-hint">{t('live.patrol.present', { teachers: item.present.teachers, classrooms: item.present.classrooms, planned: item.plannedClassrooms })}</p>
                <LinkButton to={`/live/${item.session.id}`} variant="primary" icon="video" data-testid="patrol-enter">
                  {t('live.patrol.enter')}
                </LinkButton>
              </div>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}

/** One session's live thumbnail: its own receive-only client, the host's camera at the lowest layer. */
function PatrolThumb({ item }: { item: PatrolItem }) {
  const t = useT();
  const [view, setView] = useState<LiveView | null>(null);
  const sessionId = item.session.id;

  useEffect(() => {
    // Its own connection: the server binds one live participant to each, and the grid watches several sessions.
    const client = new LiveClient({ sessionId, thumbnail: true, signaling: new SignalingClient({ socket: ownSocket() }) });
    const registry = (window.tongbuPatrol ??= new Map());
    registry.set(sessionId, client);
    const off = client.subscribe(() => setView(client.view));
    void client.start().catch(() => undefined);
    return () => {
      off();
      if (registry.get(sessionId) === client) registry.delete(sessionId);
      void client.leave();
    };
  }, [sessionId]);

  const host = view?.peers.find((p) => p.role === 'host');
  const video = remoteOf(view ?? ({ remote: [] } as unknown as LiveView), host?.peerId, 'camera');
  return <VideoTile track={video?.track} className="live-patrol-thumb" placeholder={view?.state === 'live' ? t('live.cameraIsOff') : t('live.state.joining')} testId="patrol-thumb" />;
}
