import { useT } from '../i18n/index.ts';
import type { LiveClient, LiveView } from '../media/LiveClient.ts';
import { Badge } from '../ui/index.ts';
import { AudioSinks, BandwidthChooser, QualityBadge, RecordingBadge, remoteOf, StatusBanner, ToolButton, VideoTile } from './components.tsx';
import { act } from './TeacherConsole.tsx';

/**
 * A member classroom's big screen: the teacher's screen share (or camera) fills
 * it, the classroom on stage beside it, the room's own camera small in a
 * corner; large buttons to raise a hand; connection quality and data saver.
 */
export function ClassroomTerminal({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const host = view.peers.find((p) => p.role === 'host');
  const main = remoteOf(view, host?.peerId, 'screen') ?? remoteOf(view, host?.peerId, 'camera');
  const teacherPip = main?.source === 'screen' ? remoteOf(view, host?.peerId, 'camera') : undefined;
  const stageId = view.stagePeerId !== view.peerId ? view.stagePeerId : null;
  const stage = view.peers.find((p) => p.peerId === stageId);
  const publish = new Set(view.permissions?.publish ?? []);

  const fullscreen = () => void document.documentElement.requestFullscreen?.().catch(() => undefined);

  return (
    <div className="live-terminal" data-testid="live-terminal">
      <StatusBanner view={view} />
      <div className={`live-terminal-stage${stage ? ' live-terminal-stage--split' : ''}`}>
        <VideoTile track={main?.track} label={host?.displayName} placeholder={t('live.teacherNotHere')} className="live-terminal-main" testId="live-main-video">
          {teacherPip && <VideoTile track={teacherPip.track} className="live-pip" />}
        </VideoTile>
        {stage && <VideoTile track={remoteOf(view, stage.peerId, 'camera')?.track} label={`${stage.displayName} · ${t('live.onStage')}`} className="live-terminal-staged" testId="live-stage-video" />}
      </div>
      <VideoTile track={view.local.camera} mirrored className="live-terminal-self" label={t('live.me')} placeholder={t('live.cameraIsOff')} testId="live-self" />

      <div className="live-terminal-bar" role="toolbar">
        <div className="live-status-row">
          <QualityBadge view={view} />
          <RecordingBadge view={view} />
          {view.stagePeerId === view.peerId && <Badge tone="blue">{t('live.onStage')}</Badge>}
        </div>
        {publish.size > 0 && (
          <ToolButton icon="hand" label={view.local.hand ? t('live.handDown') : t('live.hand')} active={view.local.hand} onClick={act(() => client.raiseHand(!view.local.hand))} testId="live-hand" />
        )}
        {publish.has('microphone') && (
          <ToolButton icon={view.local.microphone ? 'mic' : 'micOff'} label={view.local.microphone ? t('live.micOff') : t('live.micOn')} active={view.local.microphone} disabled={view.local.mutedByHost} onClick={act(() => client.setMicrophone(!view.local.microphone))} testId="live-toggle-mic" />
        )}
        {publish.has('camera') && (
          <ToolButton icon={view.local.camera ? 'camera' : 'cameraOff'} label={view.local.camera ? t('live.cameraOff') : t('live.cameraOn')} active={!!view.local.camera} onClick={act(() => client.setCamera(!view.local.camera))} testId="live-toggle-camera" />
        )}
        <BandwidthChooser client={client} view={view} />
        <ToolButton icon="fullscreen" label={t('live.fullscreen')} onClick={fullscreen} />
      </div>
      <AudioSinks remote={view.remote} />
    </div>
  );
}
