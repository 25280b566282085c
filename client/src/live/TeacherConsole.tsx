import { SignalingError } from '../../../shared/signaling/protocol.ts';
import { currentLocale, isMessageKey, translate, useT, type Translate } from '../i18n/index.ts';
import type { LiveClient, LiveView } from '../media/LiveClient.ts';
import { Badge, EmptyState, toast } from '../ui/index.ts';
import { AudioSinks, BandwidthChooser, ObservedMarker, QualityBadge, RecordingBadge, PeerCameraTile, StatusBanner, ToolButton, VideoTile } from './components.tsx';
import { TeacherBoard } from './courseware/TeacherBoard.tsx';
import { EndSessionButton } from './EndSessionButton.tsx';
import { LiveIcon } from './icons.tsx';
import { HostTools } from './tools/ClassTools.tsx';

/** A refusal in the UI language: the code's text, then the server's (English) detail. */
export function errorText(t: Translate, err: unknown): string {
  if (err instanceof SignalingError) {
    const key = `live.error.${err.code}`;
    return isMessageKey(key) ? `${t(key)}（${err.message}）` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Runs an action and shows a refusal as a toast. */
export const act = (fn: () => Promise<unknown>) => () => void fn().catch((err: unknown) => toast.error(errorText(translateNow, err)));
const translateNow: Translate = (key, params) => translate(currentLocale(), key, params);

/**
 * The teaching teacher's console (and a coordinator's view as observer): own
 * camera and screen, every member classroom in a grid with stage, mute and
 * raised hands, recording and ending the lesson.
 */
export function TeacherConsole({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const moderate = !!view.permissions?.moderate;
  const publish = new Set(view.permissions?.publish ?? []);
  const classrooms = view.peers.filter((p) => p.role === 'classroom');
  const hands = classrooms.filter((p) => p.handRaised);

  return (
    <div className="live-console" data-testid="live-console">
      <StatusBanner view={view} />
      <div className="live-console-main">
        <section className="live-console-self">
          <VideoTile track={view.local.screen ?? view.local.camera} mirrored={!view.local.screen} label={t('live.me')} placeholder={t('live.cameraIsOff')} testId="live-self" />
          {view.local.screen && view.local.camera && <VideoTile track={view.local.camera} mirrored className="live-pip" />}
          <div className="live-status-row">
            <QualityBadge view={view} />
            <RecordingBadge view={view} />
            <ObservedMarker view={view} />
            {view.permissions?.role === 'observer' && <Badge tone="purple">{t('live.observerNote')}</Badge>}
          </div>
          {hands.length > 0 && (
            <div className="live-hands" data-testid="live-hands">
              {hands.map((p) => (
                <span key={p.peerId} className="live-hand-chip">
                  <LiveIcon name="hand" size={16} /> {p.displayName}
                  {moderate && (
                    <button type="button" className="btn btn--link btn--sm" onClick={act(() => client.lowerHand(p.peerId))}>
                      {t('live.lowerHand')}
                    </button>
                  )}
                </span>
              ))}
            </div>
          )}
        </section>

        <section className="live-console-grid" aria-label={t('live.classrooms', { n: classrooms.length })}>
          <h2 className="live-section-title">{t('live.classrooms', { n: classrooms.length })}</h2>
          {classrooms.length === 0 ? (
            <EmptyState compact icon="classroom" title={t('live.noClassrooms')} />
          ) : (
            <div className="live-grid">
              {classrooms.map((p) => {
                const onStage = view.stagePeerId === p.peerId;
                return (
                  <div key={p.peerId} className={`live-grid-cell${onStage ? ' live-grid-cell--stage' : ''}`} data-testid="live-classroom-tile" data-peer-id={p.peerId} data-account-id={p.accountId}>
                    <PeerCameraTile
                      view={view}
                      peer={p}
                      badges={
                        <>
                          {onStage && <Badge tone="blue">{t('live.onStage')}</Badge>}
                          {p.handRaised && <Badge tone="orange">{t('live.handRaised')}</Badge>}
                          {p.audioCourseware && (
                            <span data-testid="live-audio-courseware-badge">
                              <Badge tone="purple">{t('cw.audioOnly')}</Badge>
                            </span>
                          )}
                          {(p.mutedByHost || !p.publishing.includes('microphone')) && <LiveIcon name="micOff" size={16} />}
                        </>
                      }
                    />
                    {moderate && (
                      <div className="live-grid-actions">
                        <button type="button" className="btn btn--secondary btn--sm" data-testid="live-stage-btn" onClick={act(() => client.setStage(onStage ? null : p.peerId))}>
                          {onStage ? t('live.unstage') : t('live.stage')}
                        </button>
                        <button type="button" className="btn btn--secondary btn--sm" data-testid="live-mute-btn" onClick={act(() => client.muteClassroom(p.peerId, !p.mutedByHost))}>
                          {p.mutedByHost ? t('live.unmute') : t('live.mute')}
                        </button>
                        <button type="button" className="btn btn--secondary btn--sm" data-testid="live-audio-courseware-btn" onClick={act(() => client.setClassroomAudioCourseware(p.peerId, !p.audioCourseware))}>
                          {p.audioCourseware ? t('cw.audioOnly.leave') : t('cw.audioOnly.switchOn')}
                        </button>
                      </div>
                    )}
                  </div>
                );
              })}
            </div>
          )}
        </section>
      </div>
      <TeacherBoard client={client} view={view} />

      <HostTools client={client} view={view} />
      <div className="live-toolbar" role="toolbar">
        {publish.has('microphone') && (
          <ToolButton icon={view.local.microphone ? 'mic' : 'micOff'} label={view.local.microphone ? t('live.micOff') : t('live.micOn')} active={view.local.microphone} onClick={act(() => client.setMicrophone(!view.local.microphone))} testId="live-toggle-mic" />
        )}
        {publish.has('camera') && (
          <ToolButton icon={view.local.camera ? 'camera' : 'cameraOff'} label={view.local.camera ? t('live.cameraOff') : t('live.cameraOn')} active={!!view.local.camera} onClick={act(() => client.setCamera(!view.local.camera))} testId="live-toggle-camera" />
        )}
        {publish.has('screen') && (
          <ToolButton icon="screen" label={view.local.screen ? t('live.screenStop') : t('live.screen')} active={!!view.local.screen} onClick={act(() => client.setScreen(!view.local.screen))} testId="live-toggle-screen" />
        )}
        {moderate && (
          <ToolButton
            icon="record"
            label={view.recording.active ? t('live.recordStop') : t('live.record')}
            active={view.recording.active}
            onClick={act(() => (view.recording.active ? client.stopRecording() : client.startRecording()))}
            testId="live-record"
          />
        )}
        <BandwidthChooser client={client} view={view} />
        <EndSessionButton client={client} view={view} />
      </div>
      <AudioSinks remote={view.remote} />
    </div>
  );
}
