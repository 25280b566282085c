import { useT } from '../i18n/index.ts';
import type { LiveClient, LiveView } from '../media/LiveClient.ts';
import { Badge } from '../ui/index.ts';
import { AudioSinks, BandwidthChooser, ObservedMarker, QualityBadge, RecordingBadge, PeerCameraTile, StatusBanner, ToolButton, VideoTile } from './components.tsx';
import { EndSessionButton } from './EndSessionButton.tsx';
import { LiveIcon } from './icons.tsx';
import { act } from './TeacherConsole.tsx';
import { ResearchTools } from './tools/ClassTools.tsx';

/**
 * Online teaching research 网络研修: everyone in a grid (a shared screen gets a
 * wide tile first), the active speaker highlighted, everyone may publish.
 */
export function ResearchRoom({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const publish = new Set(view.permissions?.publish ?? []);
  const others = view.peers.filter((p) => p.peerId !== view.peerId && p.role !== 'observer');
  const screens = view.remote.filter((r) => r.source === 'screen' && !r.producerPaused);
  return (
    <div className="live-research" data-testid="live-research">
      <StatusBanner view={view} />
      <div className="live-status-row">
        <QualityBadge view={view} />
        <RecordingBadge view={view} />
        <ObservedMarker view={view} />
        <span>{t('live.participants', { n: others.length + 1 })}</span>
      </div>
      <div className="live-grid live-grid--research">
        {screens.map((s) => (
          <VideoTile key={s.consumerId} track={s.track} className="live-grid-wide" label={`${view.peers.find((p) => p.peerId === s.peerId)?.displayName ?? ''} · ${t('live.screen')}`} />
        ))}
        {view.local.screen && <VideoTile track={view.local.screen} className="live-grid-wide" label={`${t('live.me')} · ${t('live.screen')}`} />}
        <VideoTile track={view.local.camera} mirrored label={t('live.me')} placeholder={t('live.cameraIsOff')} highlight={view.activeSpeakerPeerId === view.peerId} testId="live-self" />
        {others.map((p) => (
          <PeerCameraTile
            key={p.peerId}
            view={view}
            peer={p}
            testId="live-participant-tile"
            badges={
              <>
                {view.activeSpeakerPeerId === p.peerId && <Badge tone="green">{t('live.speaking')}</Badge>}
                {p.handRaised && <Badge tone="orange">{t('live.handRaised')}</Badge>}
                {!p.publishing.includes('microphone') && <LiveIcon name="micOff" size={16} />}
              </>
            }
          />
        ))}
      </div>
      <ResearchTools client={client} view={view} />
      <div className="live-toolbar" role="toolbar">
        {publish.has('microphone') && (
          <ToolButton icon={view.local.microphone ? 'mic' : 'micOff'} label={view.local.microphone ? t('live.micOff') : t('live.micOn')} active={view.local.microphone} disabled={view.local.mutedByHost} onClick={act(() => client.setMicrophone(!view.local.microphone))} testId="live-toggle-mic" />
        )}
        {publish.has('camera') && (
          <ToolButton icon={view.local.camera ? 'camera' : 'cameraOff'} label={view.local.camera ? t('live.cameraOff') : t('live.cameraOn')} active={!!view.local.camera} onClick={act(() => client.setCamera(!view.local.camera))} testId="live-toggle-camera" />
        )}
        {publish.has('screen') && (
          <ToolButton icon="screen" label={view.local.screen ? t('live.screenStop') : t('live.screen')} active={!!view.local.screen} onClick={act(() => client.setScreen(!view.local.screen))} testId="live-toggle-screen" />
        )}
        {publish.size > 0 && <ToolButton icon="hand" label={view.local.hand ? t('live.handDown') : t('live.hand')} active={view.local.hand} onClick={act(() => client.raiseHand(!view.local.hand))} />}
        {view.permissions?.moderate && (
          <ToolButton icon="record" label={view.recording.active ? t('live.recordStop') : t('live.record')} active={view.recording.active} onClick={act(() => (view.recording.active ? client.stopRecording() : client.startRecording()))} testId="live-record" />
        )}
        <BandwidthChooser client={client} view={view} />
        <EndSessionButton client={client} view={view} />
      </div>
      <AudioSinks remote={view.remote} />
    </div>
  );
}
