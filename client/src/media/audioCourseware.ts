import type { LinkSample, Quality } from './quality.ts';

/**
 * When a classroom terminal offers, and then enters by itself, the audio-and-courseware
 * mode (仅声音和课件, CW-AUDIO-ONLY-AUTO in server/courseware/README.md). Pure: the live
 * client feeds it every quality sample (every QUALITY_SAMPLE_MS, 2 s).
 */

/** A sample is weak when this share of packets or more was lost… */
export const AUDIO_COURSEWARE_WEAK_LOSS = 0.1;
/** … or the round trip took this long or longer. */
export const AUDIO_COURSEWARE_WEAK_RTT_MS = 600;
/** This many weak samples in a row and the terminal offers the mode (a banner: 10 s). */
export const AUDIO_COURSEWARE_OFFER_AFTER = 5;
/** This many more weak samples with the offer unanswered and it enters the mode by itself (30 s more). */
export const AUDIO_COURSEWARE_ENTER_AFTER = 15;

export interface AudioCoursewareState {
  /** In the mode (the server holds this classroom's video). Leaving is always the user's. */
  readonly active: boolean;
  /** The banner offering the mode is up. */
  readonly offered: boolean;
  /** Entered by itself, after an unanswered offer (the terminal says so). */
  readonly auto: boolean;
  /** Weak samples in a row (since the offer, once it is up). */
  readonly weakRun: number;
}

export const initialAudioCourseware: AudioCoursewareState = { active: false, offered: false, auto: false, weakRun: 0 };

export function isWeak(s: LinkSample): boolean {
  return (s.loss !== null && s.loss >= AUDIO_COURSEWARE_WEAK_LOSS) || (s.rttMs !== null && s.rttMs >= AUDIO_COURSEWARE_WEAK_RTT_MS);
}

/**
 * The state after one sample. A `lost` link neither counts nor breaks the run (recovery
 * handles it); a sample that is not weak starts the run over, but an offer once made
 * stays up until it is answered (a banner that comes and goes is not read).
 */
export function nextAudioCourseware(s: AudioCoursewareState, sample: LinkSample, quality: Quality): AudioCoursewareState {
  if (s.active || quality === 'lost') return s;
  if (!isWeak(sample)) return s.weakRun === 0 ? s : { ...s, weakRun: 0 };
  const weakRun = s.weakRun + 1;
  if (!s.offered) return weakRun >= AUDIO_COURSEWARE_OFFER_AFTER ? { ...s, offered: true, weakRun: 0 } : { ...s, weakRun };
  return weakRun >= AUDIO_COURSEWARE_ENTER_AFTER ? { active: true, offered: false, auto: true, weakRun: 0 } : { ...s, weakRun };
}

/** The user entered (accepted the offer, or chose the mode) or left it; either way the run starts over. */
export const chooseAudioCourseware = (active: boolean): AudioCoursewareState => ({ active, offered: false, auto: false, weakRun: 0 });

/** The user declined the offer: it comes back only after another full run of weak samples. */
export const declineAudioCourseware = (s: AudioCoursewareState): AudioCoursewareState => ({ ...s, offered: false, weakRun: 0 });
