import { describe, expect, it } from 'vitest';
import type { Actor } from '../../server/accounts/actor.ts';
import { LiveError } from '../../server/live/errors.ts';
import { FirstFrameReports } from '../../server/live/firstFrame.ts';
import type { Participant } from '../../server/live/LiveRoom.ts';
import type { LiveRole } from '../../shared/schemas/live.ts';

/** A fresh join of `accountId` (only what the reports look at). */
const join = (accountId: string, role: LiveRole = 'classroom') => ({ actor: { accountId } as Actor, role, firstFrameReported: false }) as Participant;

function refusal(fn: () => void): LiveError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LiveError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('D-METRIC-FIRST-FRAME: join-to-first-frame reports', () => {
  it('records an accepted report in seconds under the participant\'s live role, once per join', () => {
    const seen: [LiveRole, number][] = [];
    const reports = new FirstFrameReports();
    reports.observe((role, seconds) => seen.push([role, seconds]));
    const classroom = join('a1');
    reports.accept(classroom, 1500);
    expect(refusal(() => reports.accept(classroom, 900)).code).toBe('conflict');
    reports.accept(join('t1', 'host'), 250);
    expect(seen).toEqual([
      ['classroom', 1.5],
      ['host', 0.25],
    ]);
  });

  it('limits one account to so many reports in the window, then accepts again once old ones left it', () => {
    let now = 1_000_000;
    const seen: number[] = [];
    const reports = new FirstFrameReports({ perAccount: 3, windowMs: 60_000 }, () => now);
    reports.observe((_role, seconds) => seen.push(seconds));
    for (let i = 0; i < 3; i++) {
      reports.accept(join('a1'), 1000);
      now += 10_000;
    }
    const refused = refusal(() => reports.accept(join('a1'), 1000));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toMatch(/at most 3 reports per account in 1 min$/);
    // Another account is not held back by it.
    reports.accept(join('a2'), 2000);
    // The first report leaves the window 60 s after it was made.
    now = 1_000_000 + 60_001;
    reports.accept(join('a1'), 3000);
    expect(seen).toEqual([1, 1, 1, 2, 3]);
  });

  it('without metrics (no METRICS_TOKEN) a report is still checked, and recorded nowhere', () => {
    const reports = new FirstFrameReports();
    const p = join('a1');
    reports.accept(p, 1000);
    expect(p.firstFrameReported).toBe(true);
    expect(refusal(() => reports.accept(p, 1000)).code).toBe('conflict');
  });
});
