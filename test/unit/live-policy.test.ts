import { describe, expect, it } from 'vitest';
import {
  afterAttempt,
  backoffDelay,
  escalate,
  FULL_REJOIN_AFTER_MS,
  ICE_RESTART_ATTEMPTS,
  nextRecoveryAction,
  RECONNECT_BACKOFF_MS,
  refusedRejoin,
  TRANSPORT_GRACE_MS,
  type RecoveryState,
} from '../../client/src/media/policy.ts';
import {
  bandwidthMode,
  chooseBandwidth,
  classify,
  initialLowBandwidth,
  LOW_BANDWIDTH_OFF_AFTER,
  LOW_BANDWIDTH_ON_AFTER,
  nextLowBandwidth,
  SILENCE_LOST_MS,
  type LinkSample,
  type Quality,
} from '../../client/src/media/quality.ts';

const lost = (p: Partial<RecoveryState> = {}): RecoveryState => ({ cause: 'transport-disconnected', lostAt: 0, attempt: 0, iceRestarts: 0, signalingUp: true, ...p });

describe('reconnect policy', () => {
  it('backs off along RECONNECT_BACKOFF_MS and then keeps the last delay', () => {
    expect(RECONNECT_BACKOFF_MS.map((_, i) => backoffDelay(i))).toEqual([...RECONNECT_BACKOFF_MS]);
    expect(backoffDelay(100)).toBe(RECONNECT_BACKOFF_MS[RECONNECT_BACKOFF_MS.length - 1]);
  });

  it('a disconnected transport first gets a grace period, then ICE restarts', () => {
    const first = nextRecoveryAction(lost(), 0);
    expect(first).toEqual({ kind: 'restartIce', delayMs: TRANSPORT_GRACE_MS });
    const second = nextRecoveryAction(afterAttempt(lost(), first), 2000);
    expect(second.kind).toBe('restartIce');
    expect(second.delayMs).toBe(RECONNECT_BACKOFF_MS[1]);
  });

  it(`after ${ICE_RESTART_ATTEMPTS} ICE restarts it rejoins`, () => {
    let s = lost();
    for (let i = 0; i < ICE_RESTART_ATTEMPTS; i++) s = afterAttempt(s, nextRecoveryAction(s, 1000));
    expect(s.iceRestarts).toBe(ICE_RESTART_ATTEMPTS);
    expect(nextRecoveryAction(s, 3000).kind).toBe('rejoin');
  });

  it(`rejoins once FULL_REJOIN_AFTER_MS (${FULL_REJOIN_AFTER_MS} ms) have passed, ICE restarts left or not`, () => {
    expect(nextRecoveryAction(lost({ attempt: 1, iceRestarts: 1 }), FULL_REJOIN_AFTER_MS).kind).toBe('rejoin');
  });

  it('a failed transport skips ICE restarts', () => {
    expect(nextRecoveryAction(lost({ cause: 'transport-failed' }), 0)).toEqual({ kind: 'rejoin', delayMs: 0 });
  });

  it('waits while the signaling socket is down, then rejoins with resume', () => {
    const down = escalate(null, 'signaling-lost', 0, false);
    expect(nextRecoveryAction(down, 0).kind).toBe('wait');
    expect(nextRecoveryAction({ ...down, signalingUp: true }, 500).kind).toBe('rejoin');
  });

  it('a dead media worker rebuilds transports at once; if that fails, rejoins', () => {
    const s = escalate(null, 'media-rebuilt', 0, true);
    expect(nextRecoveryAction(s, 0)).toEqual({ kind: 'rebuildTransports', delayMs: 0 });
    expect(nextRecoveryAction(afterAttempt(s, { kind: 'rebuildTransports', delayMs: 0 }), 10).kind).toBe('rejoin');
  });

  it('N-FAILOVER: a mediaRebuilt or a dropped socket after a step of the recovery succeeded is a new loss: its backoff starts again', () => {
    // A rejoin was answered but the transports never connected: the next step would wait RECONNECT_BACKOFF_MS[2].
    const settling = afterAttempt(afterAttempt(escalate(null, 'signaling-lost', 100, true), { kind: 'rejoin', delayMs: 0 }), { kind: 'rejoin', delayMs: 0 });
    expect(nextRecoveryAction(settling, 200).delayMs).toBe(RECONNECT_BACKOFF_MS[2]);
    const moved = escalate(settling, 'media-rebuilt', 5000, true, true);
    expect(moved).toMatchObject({ cause: 'media-rebuilt', attempt: 0, lostAt: 5000 });
    expect(nextRecoveryAction(moved, 5000)).toEqual({ kind: 'rebuildTransports', delayMs: 0 });
    expect(escalate(settling, 'signaling-lost', 5000, false, true)).toMatchObject({ attempt: 0, lostAt: 5000 });
    // The transports' fallout of the same loss, or any loss while a step has not succeeded, keeps the backoff.
    expect(escalate(settling, 'transport-failed', 5000, true, true)).toMatchObject({ attempt: 2, lostAt: 100 });
    expect(escalate(settling, 'media-rebuilt', 5000, true, false)).toMatchObject({ cause: 'media-rebuilt', attempt: 2, lostAt: 100 });
  });

  it('escalate keeps the worse cause and the first loss time', () => {
    const s = escalate(escalate(null, 'transport-disconnected', 100, true), 'transport-failed', 900, true);
    expect(s).toMatchObject({ cause: 'transport-failed', lostAt: 100 });
    expect(escalate(s, 'transport-disconnected', 1000, true).cause).toBe('transport-failed');
  });
});

const sample = (p: Partial<LinkSample> = {}): LinkSample => ({ rttMs: 40, loss: 0, bitrateKbps: null, silenceMs: 0, transportConnected: true, ...p });

describe('a join again refused (LIVE-REJOIN-ENDED)', () => {
  const delivered = { status: 'delivered' as const, reason: null, failed: [] };

  it('LIVE-REJOIN-ENDED: a session over while the page was away ends the recovery with its verdict, as sessionEnded would', () => {
    expect(refusedRejoin('not_live', { ended: delivered })).toEqual({ kind: 'ended', ended: delivered });
    const missed = { status: 'missed' as const, reason: 'E-TEACHER-PUBLISHED', failed: [{ ruleId: 'E-TEACHER-PUBLISHED' as const, measuredShare: 0.2, requiredShare: 0.6, count: 0, requiredCount: 0 }] };
    expect(refusedRejoin('not_live', { ended: missed })).toEqual({ kind: 'ended', ended: missed });
  });

  it('LIVE-REJOIN-ENDED: not live without a verdict, not ours or gone: the recovery stops', () => {
    expect(refusedRejoin('not_live')).toEqual({ kind: 'stop' });
    expect(refusedRejoin('forbidden')).toEqual({ kind: 'stop' });
    expect(refusedRejoin('not_found')).toEqual({ kind: 'stop' });
  });

  it('LIVE-REJOIN-ENDED: the cluster\'s trouble (no node took the lesson, Redis away) is tried again, never taken for an end', () => {
    for (const code of ['media_unavailable', 'cluster_unavailable', 'internal', 'rate_limited']) expect(refusedRejoin(code)).toEqual({ kind: 'retry' });
  });
});

describe('connection quality', () => {
  it.each<[Partial<LinkSample>, Quality]>([
    [{}, 'good'],
    [{ rttMs: 250 }, 'fair'],
    [{ rttMs: 900 }, 'poor'],
    [{ loss: 0.05 }, 'fair'],
    [{ loss: 0.2 }, 'poor'],
    [{ bitrateKbps: 400 }, 'fair'],
    [{ bitrateKbps: 120 }, 'poor'],
    [{ rttMs: 100, loss: 0.01, bitrateKbps: 2000 }, 'good'],
    [{ rttMs: null, loss: null }, 'good'],
    [{ transportConnected: false }, 'lost'],
    [{ silenceMs: SILENCE_LOST_MS }, 'lost'],
  ])('%j → %s', (p, q) => expect(classify(sample(p))).toBe(q));
});

describe('low-bandwidth mode', () => {
  const feed = (qs: Quality[], s = initialLowBandwidth()) => qs.reduce(nextLowBandwidth, s);

  it(`switches on by itself after ${LOW_BANDWIDTH_ON_AFTER} poor samples in a row`, () => {
    expect(bandwidthMode(feed(Array(LOW_BANDWIDTH_ON_AFTER - 1).fill('poor')))).toBe('normal');
    expect(bandwidthMode(feed(['poor', 'poor', 'fair', 'poor']))).toBe('normal');
    expect(bandwidthMode(feed(Array(LOW_BANDWIDTH_ON_AFTER).fill('poor')))).toBe('low');
  });

  it(`switches off only after ${LOW_BANDWIDTH_OFF_AFTER} good samples in a row`, () => {
    const on = feed(Array(LOW_BANDWIDTH_ON_AFTER).fill('poor'));
    expect(bandwidthMode(feed(Array(LOW_BANDWIDTH_OFF_AFTER - 1).fill('good'), on))).toBe('low');
    expect(bandwidthMode(feed([...Array(5).fill('good'), 'fair', ...Array(5).fill('good')], on))).toBe('low');
    expect(bandwidthMode(feed(Array(LOW_BANDWIDTH_OFF_AFTER).fill('good'), on))).toBe('normal');
  });

  it('lost samples neither count nor reset (recovery deals with them)', () => {
    expect(bandwidthMode(feed(['poor', 'lost', 'poor', 'lost', 'poor']))).toBe('low');
  });

  it('a hand-picked mode sticks whatever the samples say', () => {
    expect(bandwidthMode(feed(Array(20).fill('good'), chooseBandwidth(initialLowBandwidth(), 'low')))).toBe('low');
    expect(bandwidthMode(feed(Array(20).fill('poor'), chooseBandwidth(initialLowBandwidth(), 'normal')))).toBe('normal');
    expect(bandwidthMode(chooseBandwidth(initialLowBandwidth(), 'minimal'))).toBe('minimal');
    // Back to auto keeps the current state until the samples say otherwise.
    expect(bandwidthMode(chooseBandwidth(chooseBandwidth(initialLowBandwidth(), 'low'), 'auto'))).toBe('low');
  });
});
