import { useCallback, useState } from 'react';
import { useT } from '../i18n/index.ts';
import type { LiveClient, LiveView } from '../media/LiveClient.ts';
import { Badge, Checkbox } from '../ui/index.ts';
import { AudioCheck } from './AudioCheck.tsx';
import { AudioCoursewareBanner, TeacherAudio } from './courseware/AudioCourseware.tsx';
import { ClassroomBoard } from './courseware/ClassroomBoard.tsx';
import { AudioSinks, BandwidthChooser, QualityBadge, RecordingBadge, remoteOf, StatusBanner, ToolButton, VideoTile } from './components.tsx';
import { LiveIcon } from './icons.tsx';
import { pushToTalkPreferred, setPushToTalkPreferred, usePushToTalkKeys } from './pushToTalk.ts';
import { act } from './TeacherConsole.tsx';
import { ClassroomTools } from './tools/ClassTools.tsx';

/**
 * A member classroom's big screen: the teacher's screen share (or camera) fills
 * it, the classroom on stage beside it, the room's own camera small in a
 * corner; large buttons to raise a hand; connection quality and data saver.
 * Audio (issue #6): the microphone is captured with echo cancellation, noise
 * suppression and gain control (devices.ts); an audio check before the lesson;
 * push-to-talk (hold the big button or the space bar) for bad acoustics.
 * On a weak link, audio and courseware only (仅声音和课件): no video, the courseware large,
 * the teacher as sound with a small speaking indicator.
 */
export function ClassroomTerminal({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const host = view.peers.find((p) => p.role === 'host');
  const main = remoteOf(view, host?.peerId, 'screen') ?? remoteOf(view, host?.peerId, 'camera');
  const teacherPip = main?.source === 'screen' ? remoteOf(view, host?.peerId, 'camera') : undefined;
  const stageId = view.stagePeerId !== view.peerId ? view.stagePeerId : null;
  const stage = view.peers.find((p) => p.peerId === stageId);
  const publish = new Set(view.permissions?.publish ?? []);
  const [ptt, setPtt] = useState(pushToTalkPreferred);
  const [talking, setTalking] = useState(false);
  const [checking, setChecking] = useState(false);
  const talk = useCallback(
    (on: boolean) => {
      setTalking(on);
      void client.setMicrophone(on).catch(() => undefined);
    },
    [client],
  );
  usePushToTalkKeys(client, view, ptt && publish.has('microphone'), talk);
  const choosePtt = (on: boolean) => {
    setPushToTalkPreferred(on);
    setPtt(on);
    setTalking(false);
    // The space bar talks from now on (not toggling the focused checkbox).
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    // Push-to-talk starts silent; leaving it opens the microphone again (unless the host muted the classroom).
    if (on || !view.local.mutedByHost) void client.setMicrophone(!on).catch(() => undefined);
  };

  const fullscreen = () => void document.documentElement.requestFullscreen?.().catch(() => undefined);
  // Audio and courseware only: the courseware large, the teacher as sound (no video is received).
  const audioOnly = view.audioCourseware.active;
  const teacher = audioOnly ? (
    <TeacherAudio view={view} />
  ) : (
    <div className={`live-terminal-stage${stage ? ' live-terminal-stage--split' : ''}`}>
      <VideoTile track={main?.track} label={host?.displayName} placeholder={t('live.teacherNotHere')} className="live-terminal-main" testId="live-main-video">
        {teacherPip && <VideoTile track={teacherPip.track} className="live-pip" />}
      </VideoTile>
      {stage && <VideoTile track={remoteOf(view, stage.peerId, 'camera')?.track} label={`${stage.displayName} · ${t('live.onStage')}`} className="live-terminal-staged" testId="live-stage-video" />}
    </div>
  );

  return (
    <div className="live-terminal" data-testid="live-terminal">
      <StatusBanner view={view} />
      <AudioCoursewareBanner client={client} view={view} />
      <div className="live-terminal-view">
        <ClassroomBoard client={client} view={view} layout={audioOnly ? 'courseware' : undefined} teacher={teacher} />
        {/* In the picture's corner, whatever the height of the toolbar below. */}
        <VideoTile track={view.local.camera} mirrored className="live-terminal-self" label={t('live.me')} placeholder={t('live.cameraIsOff')} testId="live-self" />
      </div>

      <ClassroomTools client={client} view={view} />
      <div className="live-terminal-bar" role="toolbar">
        <div className="live-status-row">
          <QualityBadge view={view} />
          <RecordingBadge view={view} />
          {view.stagePeerId === view.peerId && <Badge tone="blue">{t('live.onStage')}</Badge>}
          {audioOnly && <Badge tone="purple">{t('cw.audioOnly')}</Badge>}
        </div>
        {publish.size > 0 && (
          <ToolButton icon="hand" label={view.local.hand ? t('live.handDown') : t('live.hand')} active={view.local.hand} onClick={act(() => client.raiseHand(!view.local.hand))} testId="live-hand" />
        )}
        {publish.has('microphone') && !ptt && (
          <ToolButton icon={view.local.microphone ? 'mic' : 'micOff'} label={view.local.microphone ? t('live.micOff') : t('live.micOn')} active={view.local.microphone} disabled={view.local.mutedByHost} onClick={act(() => client.setMicrophone(!view.local.microphone))} testId="live-toggle-mic" />
        )}
        {publish.has('microphone') && ptt && (
          <button
            type="button"
            className={`live-ptt${talking && view.local.microphone ? ' live-ptt--on' : ''}`}
            disabled={view.local.mutedByHost}
            data-testid="live-ptt-hold"
            onPointerDown={(e) => {
              e.currentTarget.setPointerCapture?.(e.pointerId);
              talk(true);
            }}
            onPointerUp={() => talk(false)}
            onPointerCancel={() => talk(false)}
            onContextMenu={(e) => e.preventDefault()}
          >
            <LiveIcon name={talking ? 'mic' : 'micOff'} size={28} />
            <span>{talking ? t('live.ptt.talking') : t('live.ptt.hold')}</span>
          </button>
        )}
        {publish.has('camera') && (
          <ToolButton icon={view.local.camera ? 'camera' : 'cameraOff'} label={view.local.camera ? t('live.cameraOff') : t('live.cameraOn')} active={!!view.local.camera} onClick={act(() => client.setCamera(!view.local.camera))} testId="live-toggle-camera" />
        )}
        <BandwidthChooser client={client} view={view} />
        <ToolButton icon="courseware" label={audioOnly ? t('cw.audioOnly.leave') : t('cw.audioOnly.switchOn')} active={audioOnly} onClick={act(() => client.setAudioCourseware(!audioOnly))} testId="cw-audio-toggle" />
        {publish.has('microphone') && <Checkbox checked={ptt} onChange={choosePtt} label={t('live.ptt')} data-testid="live-ptt" />}
        <ToolButton icon="signal" label={t('live.audioCheck')} active={checking} onClick={() => setChecking(!checking)} testId="live-audiocheck-toggle" />
        <ToolButton icon="fullscreen" label={t('live.fullscreen')} onClick={fullscreen} />
      </div>
      {checking && <AudioCheck />}
      <AudioSinks remote={view.remote} />
    </div>
  );
}
