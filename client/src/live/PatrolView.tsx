import { useT } from '../i18n/index.ts';
import type { LiveClient, LiveView } from '../media/LiveClient.ts';
import { Alert, Badge, LinkButton } from '../ui/index.ts';
import { AudioSinks, BandwidthChooser, QualityBadge, RecordingBadge, remoteOf, PeerCameraTile, StatusBanner, VideoTile } from './components.tsx';
import { EndSessionButton } from './EndSessionButton.tsx';
import { LiveIcon } from './icons.tsx';

/**
 * A patrol 巡课 inside one session (issue #6): a coordinator or an auditor
 * watches and listens — the teacher large, every classroom and teacher beside —
 * invisible to everyone (the host sees only a "being observed" marker),
 * publishing nothing, leaving no attendance. A coordinator may still end a
 * session somebody forgot to end.
 */
export function PatrolView({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const host = view.peers.find((p) => p.role === 'host');
  const main = remoteOf(view, host?.peerId, 'screen') ?? remoteOf(view, host?.peerId, 'camera');
  const pip = main?.source === 'screen' ? remoteOf(view, host?.peerId, 'camera') : undefined;
  const others = view.peers.filter((p) => p.peerId !== view.peerId && p.role !== 'observer' && p.peerId !== host?.peerId);
  return (
    <div className="live-patrol" data-testid="live-patrol-view">
      <StatusBanner view={view} />
      <Alert tone="info" testId="live-patrol-note">
        {t('live.patrol.note')}
      </Alert>
      <div className="live-status-row">
        <QualityBadge view={view} />
        <RecordingBadge view={view} />
        <span>{t('live.participants', { n: others.length + (host ? 1 : 0) })}</span>
      </div>
      <div className="live-patrol-main">
        <VideoTile track={main?.track} label={host ? `${host.displayName} · ${t('live.patrol.teacher')}` : undefined} placeholder={t('live.teacherNotHere')} className="live-patrol-teacher" testId="live-main-video" highlight={view.activeSpeakerPeerId === host?.peerId}>
          {pip && <VideoTile track={pip.track} className="live-pip" />}
        </VideoTile>
        <div className="live-grid">
          {others.map((p) => (
            <PeerCameraTile
              key={p.peerId}
              view={view}
              peer={p}
              testId="live-patrol-tile"
              badges={
                <>
                  {view.stagePeerId === p.peerId && <Badge tone="blue">{t('live.onStage')}</Badge>}
                  {p.handRaised && <Badge tone="orange">{t('live.handRaised')}</Badge>}
                  {(p.mutedByHost || !p.publishing.includes('microphone')) && <LiveIcon name="micOff" size={16} />}
                </>
              }
            />
          ))}
        </div>
      </div>
      <div className="live-toolbar" role="toolbar">
        <BandwidthChooser client={client} view={view} />
        <LinkButton to="/live/patrol" icon="chevronLeft" data-testid="live-patrol-leave">
          {t('live.patrol.leave')}
        </LinkButton>
        <EndSessionButton client={client} view={view} />
      </div>
      <AudioSinks remote={view.remote} />
    </div>
  );
}
