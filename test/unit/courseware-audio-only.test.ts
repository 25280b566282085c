import { describe, expect, it } from 'vitest';
import {
  AUDIO_COURSEWARE_ENTER_AFTER,
  AUDIO_COURSEWARE_OFFER_AFTER,
  AUDIO_COURSEWARE_WEAK_LOSS,
  AUDIO_COURSEWARE_WEAK_RTT_MS,
  chooseAudioCourseware,
  declineAudioCourseware,
  initialAudioCourseware,
  isWeak,
  nextAudioCourseware,
  type AudioCoursewareState,
} from '../../client/src/media/audioCourseware.ts';
import type { LinkSample, Quality } from '../../client/src/media/quality.ts';
import { roundFraction, Stroke } from '../../shared/signaling/courseware.ts';

const sample = (p: Partial<LinkSample> = {}): LinkSample => ({ rttMs: 40, loss: 0, bitrateKbps: 800, silenceMs: 0, transportConnected: true, ...p });
const weak = sample({ loss: AUDIO_COURSEWARE_WEAK_LOSS });
const fine = sample();

/** Feeds `n` samples of one kind; returns every state on the way. */
function feed(from: AudioCoursewareState, n: number, s: LinkSample, q: Quality = 'poor'): AudioCoursewareState[] {
  const out: AudioCoursewareState[] = [];
  let state = from;
  for (let i = 0; i < n; i++) out.push((state = nextAudioCourseware(state, s, q)));
  return out;
}
const last = <T>(xs: T[]): T => xs[xs.length - 1]!;

describe('CW-AUDIO-ONLY-AUTO: when a classroom terminal offers and enters the audio-and-courseware mode', () => {
  it('CW-AUDIO-ONLY-AUTO: a sample is weak at 10 % loss or 600 ms round trip, bounds included; unknown figures are not weak', () => {
    expect(AUDIO_COURSEWARE_WEAK_LOSS).toBe(0.1);
    expect(AUDIO_COURSEWARE_WEAK_RTT_MS).toBe(600);
    expect(isWeak(sample({ loss: 0.1 }))).toBe(true);
    expect(isWeak(sample({ loss: 0.099 }))).toBe(false);
    expect(isWeak(sample({ rttMs: 600 }))).toBe(true);
    expect(isWeak(sample({ rttMs: 599 }))).toBe(false);
    expect(isWeak(sample({ rttMs: null, loss: null }))).toBe(false);
  });

  it('CW-AUDIO-ONLY-AUTO: offers after 5 weak samples in a row and enters by itself after 15 more', () => {
    expect([AUDIO_COURSEWARE_OFFER_AFTER, AUDIO_COURSEWARE_ENTER_AFTER]).toEqual([5, 15]);
    const before = feed(initialAudioCourseware, AUDIO_COURSEWARE_OFFER_AFTER, weak);
    expect(before.slice(0, -1).every((s) => !s.offered && !s.active)).toBe(true);
    expect(last(before)).toMatchObject({ offered: true, active: false });
    const waiting = feed(last(before), AUDIO_COURSEWARE_ENTER_AFTER, weak);
    expect(waiting.slice(0, -1).every((s) => s.offered && !s.active)).toBe(true);
    expect(last(waiting)).toEqual({ active: true, offered: false, auto: true, weakRun: 0 });
  });

  it('CW-AUDIO-ONLY-AUTO: a good sample starts the run over; the offer once made stays up', () => {
    let s = last(feed(initialAudioCourseware, AUDIO_COURSEWARE_OFFER_AFTER - 1, weak));
    s = nextAudioCourseware(s, fine, 'good');
    expect(s).toMatchObject({ weakRun: 0, offered: false });
    expect(last(feed(s, AUDIO_COURSEWARE_OFFER_AFTER - 1, weak)).offered).toBe(false);

    const offered = last(feed(initialAudioCourseware, AUDIO_COURSEWARE_OFFER_AFTER, weak));
    const almost = last(feed(offered, AUDIO_COURSEWARE_ENTER_AFTER - 1, weak));
    const broken = nextAudioCourseware(almost, fine, 'good');
    expect(broken).toMatchObject({ offered: true, active: false, weakRun: 0 });
    expect(last(feed(broken, AUDIO_COURSEWARE_ENTER_AFTER - 1, weak)).active).toBe(false);
    expect(last(feed(broken, AUDIO_COURSEWARE_ENTER_AFTER, weak)).active).toBe(true);
  });

  it('CW-AUDIO-ONLY-AUTO: a lost link neither counts nor breaks the run', () => {
    const s = last(feed(initialAudioCourseware, 3, weak));
    const during = feed(s, 10, sample({ transportConnected: false }), 'lost');
    expect(during.every((x) => x === s)).toBe(true);
    expect(last(feed(s, 2, weak)).offered).toBe(true);
  });

  it('CW-AUDIO-ONLY-AUTO: declining takes the offer down until another full run', () => {
    const offered = last(feed(initialAudioCourseware, AUDIO_COURSEWARE_OFFER_AFTER, weak));
    const declined = declineAudioCourseware(offered);
    expect(declined).toMatchObject({ offered: false, active: false, weakRun: 0 });
    const again = feed(declined, AUDIO_COURSEWARE_OFFER_AFTER, weak);
    expect(again.slice(0, -1).some((s) => s.offered)).toBe(false);
    expect(last(again).offered).toBe(true);
  });

  it('CW-AUDIO-ONLY-AUTO: leaving is manual: in the mode no sample takes the terminal out, and leaving starts the run over', () => {
    const inMode = chooseAudioCourseware(true);
    expect(feed(inMode, 50, fine, 'good').every((s) => s.active)).toBe(true);
    const auto = last(feed(last(feed(initialAudioCourseware, AUDIO_COURSEWARE_OFFER_AFTER, weak)), AUDIO_COURSEWARE_ENTER_AFTER, weak));
    expect(feed(auto, 50, fine, 'good').every((s) => s.active && s.auto)).toBe(true);
    const left = chooseAudioCourseware(false);
    expect(left).toEqual(initialAudioCourseware);
    // Back on a weak link it offers again first, it does not jump straight back in.
    const after = feed(left, AUDIO_COURSEWARE_OFFER_AFTER + 1, weak);
    expect(after.some((s) => s.active)).toBe(false);
  });
});

describe('CW-STROKE-PRECISION', () => {
  it('CW-STROKE-PRECISION: points round to 1/10000 of the page and stay valid fractions; a rounded stroke takes well under half the bytes', () => {
    expect(roundFraction(0.123456789)).toBe(0.1235);
    expect(roundFraction(0.99999)).toBe(1);
    expect(roundFraction(0)).toBe(0);
    const raw = Array.from({ length: 120 }, (_, i) => [0.1 + i / 777.7777, 0.2 + Math.sin(i / 9) / 7.3331, 0.5] as [number, number, number]);
    const rounded = raw.map((p) => p.map(roundFraction) as [number, number, number]);
    const stroke = (points: [number, number, number][]) => ({ id: 's1', tool: 'pen' as const, color: '#112233', size: 0.004, points });
    expect(Stroke.safeParse(stroke(rounded)).success).toBe(true);
    expect(JSON.stringify(stroke(rounded)).length).toBeLessThan(JSON.stringify(stroke(raw)).length * 0.55);
  });
});
