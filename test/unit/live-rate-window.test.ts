/** The sliding window behind T-CHAT-RATE and BOARD-RATE (and the first-frame reports), with an explicit clock. */
import { describe, expect, it } from 'vitest';
import { RateWindow } from '../../server/live/RateWindow.ts';

describe('rate window', () => {
  it('T-CHAT-RATE, BOARD-RATE: refuses the action past the limit within the window; another key is not held back', () => {
    let now = 1_000_000;
    const rate = new RateWindow({ max: 3, windowMs: 10_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(rate.take('session/a1')).toBe(true);
      now += 1000;
    }
    expect(rate.take('session/a1')).toBe(false);
    expect(rate.take('session/a2')).toBe(true);
    expect(rate.take('other/a1')).toBe(true);
  });

  it('T-CHAT-RATE, BOARD-RATE: only accepted actions count, so one leaves the window exactly windowMs after it was taken', () => {
    let now = 0;
    const rate = new RateWindow({ max: 2, windowMs: 10_000 }, () => now);
    expect(rate.take('k')).toBe(true);
    now = 4000;
    expect(rate.take('k')).toBe(true);
    // Trying all along while refused does not push the next turn further away.
    for (now = 5000; now < 10_000; now += 500) expect(rate.take('k')).toBe(false);
    now = 9999;
    expect(rate.take('k')).toBe(false);
    now = 10_000;
    expect(rate.take('k')).toBe(true);
    expect(rate.take('k')).toBe(false);
    now = 14_000;
    expect(rate.take('k')).toBe(true);
  });
});
