import { useT } from '../../i18n/index.ts';
import type { LiveClient, LiveView } from '../../media/LiveClient.ts';
import { LiveIcon } from '../icons.tsx';
import { act } from '../TeacherConsole.tsx';

/**
 * The classroom terminal's side of the audio-and-courseware mode (仅声音和课件): the offer
 * on a weak link, the note once in it, and the teacher as sound only.
 */
export function AudioCoursewareBanner({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const mode = view.audioCourseware;
  if (mode.offered && !mode.active) {
    return (
      <div className="live-banner live-banner--warn cw-audio-banner" role="alert" data-testid="cw-audio-offer">
        <span>{t('cw.audioOnly.offer')}</span>
        <button type="button" className="btn btn--primary" data-testid="cw-audio-accept" onClick={act(() => client.setAudioCourseware(true))}>
          {t('cw.audioOnly.accept')}
        </button>
        <button type="button" className="btn btn--secondary" onClick={() => client.declineAudioCourseware()}>
          {t('cw.audioOnly.decline')}
        </button>
      </div>
    );
  }
  if (!mode.active) return null;
  return (
    <div className="live-banner cw-audio-banner" role="status" data-testid="cw-audio-on" data-auto={mode.auto}>
      <span>{mode.auto ? t('cw.audioOnly.auto') : t('cw.audioOnly.on')}</span>
      <button type="button" className="btn btn--secondary" data-testid="cw-audio-leave" onClick={act(() => client.setAudioCourseware(false))}>
        {t('cw.audioOnly.leave')}
      </button>
    </div>
  );
}

/** Where the teacher's picture would be: the teacher's name and whether they are speaking (their sound plays as ever). */
export function TeacherAudio({ view }: { view: LiveView }) {
  const t = useT();
  const host = view.peers.find((p) => p.role === 'host');
  const speaking = !!host && view.activeSpeakerPeerId === host.peerId;
  return (
    <div className={`cw-teacher-audio${speaking ? ' cw-teacher-audio--speaking' : ''}`} data-testid="cw-teacher-audio" data-speaking={speaking}>
      <LiveIcon name={host?.publishing.includes('microphone') ? 'mic' : 'micOff'} size={28} />
      <span className="cw-teacher-audio-name">{host?.displayName ?? t('live.teacherNotHere')}</span>
      {speaking && <span className="cw-teacher-audio-speaking">{t('cw.audioOnly.speaking')}</span>}
      <span className="cw-teacher-audio-hint">{t('cw.audioOnly.waiting')}</span>
    </div>
  );
}
