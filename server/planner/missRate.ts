/** PL-MISS-RATE: a community's record of missing what it planned. */
const MISS_RATE_CAP = 0.5;

export function missRateOf(delivered: number, missed: number): { rate: number; delivered: number; missed: number; basis: 'history' | 'none' | 'capped' } {
  const total = delivered + missed;
  if (total === 0) return { rate: 0, delivered, missed, basis: 'none' };
  const rate = Math.round((missed / total) * 1000) / 1000;
  return rate > MISS_RATE_CAP ? { rate: MISS_RATE_CAP, delivered, missed, basis: 'capped' } : { rate, delivered, missed, basis: 'history' };
}
