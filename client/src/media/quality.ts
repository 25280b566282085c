/**
 * Connection quality from WebRTC stats, and when low-bandwidth mode switches
 * itself on and off. Pure: LiveClient samples the stats every
 * QUALITY_SAMPLE_MS and feeds them here.
 */
export const QUALITY_SAMPLE_MS = 2000;

/** Thresholds of each level (a sample is the worst level any figure reaches). */
export const QUALITY_THRESHOLDS = {
  good: { rttMs: 150, loss: 0.02, minBitrateKbps: 600 },
  fair: { rttMs: 400, loss: 0.08, minBitrateKbps: 250 },
} as const;
/** No packets arrived for this long although something should: the link is lost. */
export const SILENCE_LOST_MS = 4000;

/** Low-bandwidth mode turns on after this many poor-or-worse samples in a row… */
export const LOW_BANDWIDTH_ON_AFTER = 3;
/** … and off after this many good samples in a row (slower: flapping hurts more than waiting). */
export const LOW_BANDWIDTH_OFF_AFTER = 10;

export type Quality = 'good' | 'fair' | 'poor' | 'lost';

export interface LinkSample {
  /** Round-trip time of the selected candidate pair (or RTCP), if known. */
  readonly rttMs: number | null;
  /** Packets lost / (lost + received) since the previous sample, both directions, 0–1. */
  readonly loss: number | null;
  /** Available outgoing bitrate (senders) or received bitrate (receivers), if known. */
  readonly bitrateKbps: number | null;
  /** Time since the last packet arrived, when something is expected to arrive. */
  readonly silenceMs: number;
  readonly transportConnected: boolean;
}

const rank: Record<Quality, number> = { good: 0, fair: 1, poor: 2, lost: 3 };
const worst = (a: Quality, b: Quality): Quality => (rank[a] >= rank[b] ? a : b);

function level(value: number | null, good: number, fair: number, higherIsBetter = false): Quality {
  if (value === null || Number.isNaN(value)) return 'good';
  if (higherIsBetter) return value >= good ? 'good' : value >= fair ? 'fair' : 'poor';
  return value <= good ? 'good' : value <= fair ? 'fair' : 'poor';
}

export function classify(s: LinkSample): Quality {
  if (!s.transportConnected || s.silenceMs >= SILENCE_LOST_MS) return 'lost';
  const { good, fair } = QUALITY_THRESHOLDS;
  return [level(s.rttMs, good.rttMs, fair.rttMs), level(s.loss, good.loss, fair.loss), level(s.bitrateKbps, good.minBitrateKbps, fair.minBitrateKbps, true)].reduce(worst, 'good');
}

/**
 * `auto` lets the samples switch between normal and low; `low` keeps the lowest
 * simulcast layer of every camera; `minimal` receives sound and screen share
 * only (cameras paused at the server, so they cost nothing on the link).
 */
export type BandwidthChoice = 'auto' | 'normal' | 'low' | 'minimal';
export type BandwidthMode = 'normal' | 'low' | 'minimal';

export interface LowBandwidthState {
  /** The user's choice; `auto` lets the samples decide. */
  readonly choice: BandwidthChoice;
  /** Whether low-bandwidth mode is in effect. */
  readonly active: boolean;
  readonly poorRun: number;
  readonly goodRun: number;
}

export const initialLowBandwidth = (choice: BandwidthChoice = 'auto'): LowBandwidthState => ({ choice, active: choice === 'low' || choice === 'minimal', poorRun: 0, goodRun: 0 });

/** What the receiver does now. */
export const bandwidthMode = (s: LowBandwidthState): BandwidthMode => (s.choice === 'minimal' ? 'minimal' : s.active ? 'low' : 'normal');

/** The next state after one quality sample. `lost` samples do not count (recovery handles them). */
export function nextLowBandwidth(s: LowBandwidthState, q: Quality): LowBandwidthState {
  const poorRun = q === 'poor' ? s.poorRun + 1 : q === 'lost' ? s.poorRun : 0;
  const goodRun = q === 'good' ? s.goodRun + 1 : q === 'lost' ? s.goodRun : 0;
  if (s.choice !== 'auto') return { ...s, active: s.choice !== 'normal', poorRun, goodRun };
  let active = s.active;
  if (!active && poorRun >= LOW_BANDWIDTH_ON_AFTER) active = true;
  else if (active && goodRun >= LOW_BANDWIDTH_OFF_AFTER) active = false;
  return { ...s, active, poorRun: active !== s.active ? 0 : poorRun, goodRun: active !== s.active ? 0 : goodRun };
}

export const chooseBandwidth = (s: LowBandwidthState, choice: BandwidthChoice): LowBandwidthState => ({
  choice,
  active: choice === 'auto' ? s.active : choice !== 'normal',
  poorRun: 0,
  goodRun: 0,
});
